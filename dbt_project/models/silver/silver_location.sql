-- Car position on track (x, y, z in the circuit's 1/10 m frame), one row per driver sample.
-- Per-partition and append-only like silver_car_data.
{{ telemetry_samples(ref('stg_fastf1__position'), ref('stg_openf1__location'), ['x', 'y', 'z']) }}

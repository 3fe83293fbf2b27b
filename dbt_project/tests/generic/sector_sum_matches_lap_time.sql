{#- The three sector times add up to the lap time (within timing rounding). -#}
{% test sector_sum_matches_lap_time(model, tolerance_ms=5) %}
select *
from {{ model }}
where lap_time_ms is not null
  and sector1_time_ms is not null and sector2_time_ms is not null and sector3_time_ms is not null
  and abs(sector1_time_ms + sector2_time_ms + sector3_time_ms - lap_time_ms) > {{ tolerance_ms }}
{% endtest %}

{#- Each sample of `samples` (session_id, driver_number, sample_utc and `columns`) placed in its
    lap of `laps` (session_id, driver_number, lap_number, lap_start_utc, lap_end_utc, season,
    round, session_code; no null start): the driver's lap that started last at or before the
    sample (a sample at a lap's start instant is that lap's), kept when it came before that lap's
    end or the lap has none. One row per placed sample: the lap's keys and session identity, then
    `columns`. The two variants give the same rows (`make spark-check` compares them). -#}
{% macro samples_in_laps(samples, laps, columns) -%}
    {{ return(adapter.dispatch('samples_in_laps')(samples, laps, columns)) }}
{%- endmacro %}

{#- DuckDB (the default): its ASOF join, one merge of the two inputs in time order. On 123
    races' car data at once (89 M samples) under the profile's 512MB limit it took 116 s, the
    running-max window below 203 s (bench/README.md, "third measurement"). -#}
{% macro default__samples_in_laps(samples, laps, columns) -%}
    select
        l.session_id, l.season, l.round, l.session_code, l.driver_number, l.lap_number
        {%- for column in columns %}, s.{{ column }}{% endfor %}
    from {{ samples }} as s
    asof inner join {{ laps }} as l
        on s.session_id = l.session_id
        and s.driver_number = l.driver_number
        and s.sample_utc >= l.lap_start_utc
    where l.lap_end_utc is null or s.sample_utc < l.lap_end_utc
{%- endmacro %}

{#- Spark and Databricks (no ASOF join): the samples and lap starts of a driver in time order (a
    lap start before a sample at the same instant), each sample taking the latest start so far. -#}
{% macro spark__samples_in_laps(samples, laps, columns) -%}
    select
        l.session_id, l.season, l.round, l.session_code, l.driver_number, l.lap_number
        {%- for column in columns %}, s.{{ column }}{% endfor %}
    from (
        select
            *,
            max(lap_start_utc) over (
                partition by session_id, driver_number order by at_utc, is_sample
                rows between unbounded preceding and current row
            ) as lap_started_utc
        from (
            select
                session_id, driver_number, sample_utc as at_utc, 1 as is_sample,
                null as lap_start_utc, sample_utc
                {%- for column in columns %}, {{ column }}{% endfor %}
            from {{ samples }}
            where sample_utc is not null
            union all
            select
                session_id, driver_number, lap_start_utc as at_utc, 0 as is_sample,
                lap_start_utc, null as sample_utc
                {%- for column in columns %}, null as {{ column }}{% endfor %}
            from {{ laps }}
        ) as timeline
    ) as s
    inner join {{ laps }} as l
        on s.session_id = l.session_id
        and s.driver_number = l.driver_number
        and s.lap_started_utc = l.lap_start_utc
    where s.is_sample = 1 and (l.lap_end_utc is null or s.sample_utc < l.lap_end_utc)
{%- endmacro %}

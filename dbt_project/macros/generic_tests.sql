{#- Generic data tests we need without dbt packages (dbt_utils cannot be fetched here). Each
    returns the offending rows, so each can fail (f1_lakehouse_tests/warehouse proves it). -#}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test value_between(model, column_name, min_value, max_value) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and ({{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }})
{% endtest %}

{#- A row-level invariant, e.g. "lap_end >= lap_start". -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}

{#- Every combination of `columns` in the model exists in `to` (a composite foreign key). -#}
{% test relationships_combination(model, to, columns) %}
select {{ columns | join(', ') }}
from (select * from {{ model }}) as child
where {% for c in columns %}child.{{ c }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
  and not exists (
    select 1 from {{ to }} as parent
    where {% for c in columns %}parent.{{ c }} = child.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
  )
{% endtest %}

{#- The three sector times add up to the lap time (within timing rounding). -#}
{% test sector_sum_matches_lap_time(model, tolerance_ms=5) %}
select *
from {{ model }}
where lap_time_ms is not null
  and sector1_time_ms is not null and sector2_time_ms is not null and sector3_time_ms is not null
  and abs(sector1_time_ms + sector2_time_ms + sector3_time_ms - lap_time_ms) > {{ tolerance_ms }}
{% endtest %}

{#- A running total never goes down, e.g. championship points round after round. -#}
{% test non_decreasing(model, column, partition_by, order_by) %}
select *
from (
    select
        *,
        lag({{ column }}) over (
            partition by {{ partition_by | join(', ') }} order by {{ order_by }}
        ) as previous_value
    from {{ model }}
)
where {{ column }} < previous_value
{% endtest %}

{#- Positions within each group are exactly 1..n: no gap, no tie, no duplicate. -#}
{% test contiguous_positions(model, column, partition_by) %}
select {{ partition_by | join(', ') }}, count(*) as n, count(distinct {{ column }}) as distinct_n,
       min({{ column }}) as first_position, max({{ column }}) as last_position
from {{ model }}
group by {{ partition_by | join(', ') }}
having min({{ column }}) <> 1
    or max({{ column }}) <> count(*)
    or count(distinct {{ column }}) <> count(*)
{% endtest %}

{#- Type-2 validity: per key, versions do not overlap, each closes where the next opens,
    valid_to is after valid_from, and exactly one version is current. -#}
{% test scd2_valid_history(model, key, valid_from='valid_from', valid_to='valid_to') %}
with ordered as (
    select
        {{ key }} as entity,
        {{ valid_from }} as valid_from,
        {{ valid_to }} as valid_to,
        lead({{ valid_from }}) over (partition by {{ key }} order by {{ valid_from }}) as next_from,
        count(*) filter (where {{ valid_to }} is null) over (partition by {{ key }}) as current_versions
    from {{ model }}
)
select *
from ordered
where current_versions <> 1
   or (valid_to is not null and valid_to <= valid_from)
   or (next_from is not null and valid_to is distinct from next_from)
{% endtest %}

{#- At most `n` rows per group satisfy `condition`, e.g. one fastest-lap point per race. -#}
{% test at_most_per_group(model, group_by, condition, n=1) %}
select {{ group_by | join(', ') }}, count(*) as matching
from {{ model }}
where {{ condition }}
group by {{ group_by | join(', ') }}
having count(*) > {{ n }}
{% endtest %}

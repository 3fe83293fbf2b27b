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

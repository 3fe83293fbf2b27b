{#- A row-level invariant, e.g. "lap_end >= lap_start". -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}

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

{#- Type-2 validity: per key, versions do not overlap, each closes where the next opens,
    valid_to is after valid_from, and exactly one version is current. -#}
{% test scd2_valid_history(model, key, valid_from='valid_from', valid_to='valid_to') %}
with ordered as (
    select
        {{ key }} as entity,
        {{ valid_from }} as valid_from,
        {{ valid_to }} as valid_to,
        lead({{ valid_from }}) over (partition by {{ key }} order by {{ valid_from }}) as next_from,
        count(case when {{ valid_to }} is null then 1 end) over (partition by {{ key }}) as current_versions
    from {{ model }}
)
select *
from ordered
where current_versions <> 1
   or (valid_to is not null and valid_to <= valid_from)
   or (next_from is not null and valid_to is distinct from next_from)
{% endtest %}

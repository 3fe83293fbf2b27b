{#- At most `n` rows per group satisfy `condition`, e.g. one fastest-lap point per race. -#}
{% test at_most_per_group(model, group_by, condition, n=1) %}
select {{ group_by | join(', ') }}, count(*) as matching
from {{ model }}
where {{ condition }}
group by {{ group_by | join(', ') }}
having count(*) > {{ n }}
{% endtest %}

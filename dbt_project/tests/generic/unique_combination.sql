{#- Generic data tests we need without dbt packages (dbt_utils cannot be fetched here). Each
    returns the offending rows, so each can fail (f1_lakehouse_tests/warehouse proves it). -#}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

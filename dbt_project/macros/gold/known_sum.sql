{#- The sum of `value` over the rows where `condition` holds: 0 when there are none, null when
    any of them is null (a total over an unknown figure is unknown, not smaller). -#}
{% macro known_sum(value, condition) -%}
    case
        when count(case when {{ condition }} then 1 end)
            = count(case when {{ condition }} then {{ value }} end)
        then coalesce(sum(case when {{ condition }} then {{ value }} end), 0)
    end
{%- endmacro %}

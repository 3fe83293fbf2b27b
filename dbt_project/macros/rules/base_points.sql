{#- Points for a finishing position, by era and session type (no bonus points). -#}
{% macro base_points(season, code, position) -%}
    case
        when {{ code }} = 'R' and {{ season }} >= 2010 then
            coalesce({{ literal_list_element([25, 18, 15, 12, 10, 8, 6, 4, 2, 1], position) }}, 0)
        when {{ code }} = 'R' and {{ season }} >= 2003 then
            coalesce({{ literal_list_element([10, 8, 6, 5, 4, 3, 2, 1], position) }}, 0)
        when {{ code }} = 'S' and {{ season }} = 2021 then
            coalesce({{ literal_list_element([3, 2, 1], position) }}, 0)
        when {{ code }} = 'S' and {{ season }} >= 2022 then
            coalesce({{ literal_list_element([8, 7, 6, 5, 4, 3, 2, 1], position) }}, 0)
        else 0
    end
{%- endmacro %}

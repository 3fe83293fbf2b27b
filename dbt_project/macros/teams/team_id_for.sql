{% macro team_id_for(name_column) -%}
    case trim({{ name_column }})
    {%- for name, ref in team_refs().items() %}
        when '{{ name }}' then '{{ ref }}'
    {%- endfor %}
        else nullif({{ regexp_replace_all('lower(trim(' ~ name_column ~ '))', "'[^a-z0-9]+'", "'_'") }}, '')
    end
{%- endmacro %}

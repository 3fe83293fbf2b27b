{#- Official naming and points by era. Kept as macros so the rules are written once and unit
    tested through the models that use them. -#}

{#- The session's official name for its season: 2021's "Sprint Qualifying" was the sprint race
    itself (key S); 2023's sprint qualifying was the "Sprint Shootout"; 2024 on it is "Sprint
    Qualifying" again (key SQ). -#}
{% macro official_session_name(season, code) -%}
    case
        when {{ code }} = 'S' and {{ season }} = 2021 then 'Sprint Qualifying'
        when {{ code }} = 'S' then 'Sprint'
        when {{ code }} = 'SQ' and {{ season }} = 2023 then 'Sprint Shootout'
        when {{ code }} = 'SQ' then 'Sprint Qualifying'
        when {{ code }} = 'Q' then 'Qualifying'
        when {{ code }} = 'R' then 'Race'
        when {{ code }} like 'FP%' then 'Practice ' || right({{ code }}, 1)
    end
{%- endmacro %}

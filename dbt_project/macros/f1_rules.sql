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

{#- Points for a finishing position, by era and session type (no bonus points). -#}
{% macro base_points(season, code, position) -%}
    case
        when {{ code }} = 'R' and {{ season }} >= 2010 then
            coalesce(list_extract([25, 18, 15, 12, 10, 8, 6, 4, 2, 1], {{ position }}), 0)
        when {{ code }} = 'R' and {{ season }} >= 2003 then
            coalesce(list_extract([10, 8, 6, 5, 4, 3, 2, 1], {{ position }}), 0)
        when {{ code }} = 'S' and {{ season }} = 2021 then
            coalesce(list_extract([3, 2, 1], {{ position }}), 0)
        when {{ code }} = 'S' and {{ season }} >= 2022 then
            coalesce(list_extract([8, 7, 6, 5, 4, 3, 2, 1], {{ position }}), 0)
        else 0
    end
{%- endmacro %}

{#- The fastest-lap point: races 2019-2024 only, and only for a top-10 finisher. -#}
{% macro fastest_lap_point_applies(season, code, position) -%}
    ({{ code }} = 'R' and {{ season }} between 2019 and 2024 and {{ position }} <= 10)
{%- endmacro %}

{#- The outcome class of a race or sprint result, beside the source's own wording, which changed
    over the years (Jolpica: "+1 Lap" then "Lapped", "Mechanical"/"Engine"/... then "Retired").
    A "finished" car with fewer laps than the winner was lapped. -#}
{% macro status_class(status, laps, winner_laps) -%}
    case
        when {{ status }} is null then null
        when lower({{ status }}) like 'disqualified%' then 'disqualified'
        when lower({{ status }}) in ('did not start', 'withdrew', 'not started') then 'did_not_start'
        when lower({{ status }}) like 'did not%qualify' or lower({{ status }}) = '107% rule'
            then 'did_not_qualify'
        when lower({{ status }}) = 'finished' and {{ laps }} < {{ winner_laps }} then 'lapped'
        when lower({{ status }}) = 'finished' then 'finished'
        when lower({{ status }}) = 'lapped' or regexp_matches({{ status }}, '^\+[0-9]+ Laps?$') then 'lapped'
        else 'retired'
    end
{%- endmacro %}

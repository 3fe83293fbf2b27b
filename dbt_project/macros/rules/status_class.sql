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
        when lower({{ status }}) = 'lapped' or {{ regexp_search(status, "'^\+[0-9]+ Laps?$'") }} then 'lapped'
        else 'retired'
    end
{%- endmacro %}

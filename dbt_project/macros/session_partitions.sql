{#- The session keys a run rebuilds, validated before they reach SQL. -#}
{% macro selected_session_keys() -%}
    {%- set keys = var('session_keys', []) -%}
    {%- if keys is string -%}{%- set keys = [keys] -%}{%- endif -%}
    {%- for key in keys -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-(FP1|FP2|FP3|SQ|S|Q|R)', key) -%}
            {{ exceptions.raise_compiler_error(
                "session key '" ~ key ~ "' is malformed: expected {season}-{round:02d}-{code}, "
                ~ "e.g. 2024-18-R, with code one of FP1 FP2 FP3 SQ S Q R") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}

{#- A filter on bronze's hive columns: prunes files to the selected sessions. -#}
{% macro bronze_session_filter() -%}
    {%- set keys = selected_session_keys() -%}
    {%- if keys | length == 0 -%}
        true
    {%- else -%}
        ({%- for key in keys -%}
            {%- set parts = key.split('-') -%}
            (season = '{{ parts[0] }}' and round = '{{ parts[1] }}' and session = '{{ parts[2] }}')
            {%- if not loop.last %} or {% endif -%}
        {%- endfor -%})
    {%- endif -%}
{%- endmacro %}

{#- Bronze hive columns are text (autocast off): rebuild the partition key and typed parts. -#}
{% macro session_identity() -%}
    season || '-' || round || '-' || session as session_id,
    season::integer as season,
    round::integer as round,
    session as session_code
{%- endmacro %}

{#- Incremental silver replaces the selected sessions whole: delete them, then append them. -#}
{% macro delete_selected_sessions() -%}
    {%- if is_incremental() -%}
        {%- set keys = selected_session_keys() -%}
        delete from {{ this }}
        {%- if keys | length > 0 %}
        where session_id in ({% for key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

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
    {{ delete_sessions_where(session_filter('session_id')) }}
{%- endmacro %}

{#- Pre-hook of a model incremental per session: delete the sessions `filter` names (they are
    appended again); nothing to delete while the table is built whole. -#}
{% macro delete_sessions_where(filter) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ filter }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- `session_id in (...)` for the selected sessions (true when none are selected): how a silver
    model reads other silver models of the same run without rescanning the rest. -#}
{% macro session_filter(column='session_id') -%}
    {%- set keys = selected_session_keys() -%}
    {%- if keys | length == 0 -%}
        true
    {%- else -%}
        {{ keys_in(column, keys) }}
    {%- endif -%}
{%- endmacro %}

{#- `column in ('k1', 'k2', ...)` for validated session keys, inlined as literals so DuckDB prunes
    row groups by their min/max statistics. -#}
{% macro keys_in(column, keys) -%}
    {{ column }} in ({% for key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- The bronze files of one table for the selected sessions (all sessions when none are
    selected), found with DuckDB's glob() when the model runs. -#}
{% macro bronze_files(source_name, table) -%}
    {%- set folder = source_name | replace('bronze_', '') -%}
    {%- set base = var('f1_lakehouse_root', env_var('F1_LAKEHOUSE_ROOT', '../.lakehouse')) ~ '/bronze/' ~ folder ~ '/' ~ table -%}
    {%- set keys = selected_session_keys() -%}
    {%- set patterns = [] -%}
    {%- if keys | length == 0 -%}
        {%- do patterns.append(base ~ '/*/*/*/*.parquet') -%}
    {%- else -%}
        {%- for key in keys -%}
            {%- set parts = key.split('-') -%}
            {%- do patterns.append(base ~ '/season=' ~ parts[0] ~ '/round=' ~ parts[1]
                ~ '/session=' ~ parts[2] ~ '/*.parquet') -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set sql -%}
            {% for pattern in patterns %}select file from glob({{ sql_string(pattern) }}){% if not loop.last %} union all {% endif %}{% endfor %}
            order by file
        {%- endset -%}
        {%- for row in run_query(sql) -%}{%- do files.append(row[0]) -%}{%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}

{#- A bronze table as a relation, reading only the selected sessions' files, so a partition run
    never rescans history. A table with no files (a fresh root, or a source that never wrote
    this table, e.g. OpenF1 before 2023) becomes an empty relation typed from the source's
    declared columns, so every silver model builds whatever has landed. The source() call keeps
    the lineage (dbt and Dagster) on the bronze asset. -#}
{% macro bronze(source_name, table) -%}
    {%- set relation = source(source_name, table) -%}
    {%- set files = bronze_files(source_name, table) -%}
    {%- if files | length > 0 -%}
        read_parquet([{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}],
            hive_partitioning = true, hive_types_autocast = false, union_by_name = true)
    {%- elif execute and graph.get('sources') is none -%}
        {#- a unit test: source() is the test's given rows -#}
        (select * from {{ relation }} where false)
    {%- else -%}
        {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table) if execute else none -%}
        (select
            {%- if node %}
            {%- for column in node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ column.name }},
            {%- endfor %}
            {%- endif %}
            cast(null as varchar) as season,
            cast(null as varchar) as round,
            cast(null as varchar) as session
        where false)
    {%- endif -%}
{%- endmacro %}

{#- The conformed-silver rule: per session, one source (the lowest rank that has rows: FastF1
    before OpenF1), then one row per explicit key. Used in a QUALIFY clause. -#}
{% macro one_source_per_session(keys, order_by='1') -%}
    source_rank = min(source_rank) over (partition by session_id)
    and row_number() over (partition by {{ keys | join(', ') }} order by source_rank, {{ order_by }}) = 1
{%- endmacro %}

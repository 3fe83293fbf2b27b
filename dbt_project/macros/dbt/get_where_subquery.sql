{#- dbt wraps the model every generic data test reads in get_where_subquery (that is how a
    test's `where` config applies; dbt-core's default is
    include/global_project/macros/materializations/tests/where_subquery.sql). Here it also scopes
    the tests of session-partitioned silver models to the run's sessions: a partition run checks
    what it just rebuilt, and adding a session never rescans the history. With no session_keys
    (a full rebuild, `dbt test` by hand) they read every session, as before. Only the tested
    model is filtered; the other side of a relationships test is read whole. The relation gets an
    alias: Spark would read a bare `where` after a table name as the table's alias. -#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do filters.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if execute and model.attached_node and selected_session_keys() | length > 0 -%}
        {%- set tested = graph.nodes.get(model.attached_node) -%}
        {%- if tested and tested.resource_type == 'model' and tested.fqn[1] == 'silver' -%}
            {%- do filters.append(session_filter('session_id')) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if filters | length > 0 -%}
        {%- do return('(select * from ' ~ relation ~ ' as dbt_tested where ' ~ filters | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

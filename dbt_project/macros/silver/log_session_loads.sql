{#- Post-hook: log the sessions the model now holds among the run's (all it holds on a full
    rebuild). A run's session with no rows here is not logged: a key with no bronze leaves no
    phantom load, and a session that had rows and now has none is still seen as changed, since
    the pre-hook forgot its old load (incremental gold compares the log with what it saw). -#}
{% macro log_session_loads() -%}
    {{ return(adapter.dispatch('log_session_loads')()) }}
{%- endmacro %}

{% macro default__log_session_loads() -%}
    insert into {{ session_loads_relation() }} (model, session_id, load_id, loaded_at)
    select distinct '{{ this.identifier }}', session_id, '{{ invocation_id }}', now()
    from {{ this }}
    {%- if is_incremental() and selected_session_keys() | length > 0 %}
    where {{ session_filter('session_id') }}
    {%- endif -%}
{%- endmacro %}

{#- Spark: the same rows, appended to the insert-only log in its column order (model,
    session_id, load_id, loaded_at). -#}
{% macro spark__log_session_loads() -%}
    insert into {{ session_loads_relation() }}
    select distinct '{{ this.identifier }}', session_id, '{{ invocation_id }}', current_timestamp()
    from {{ this }}
    {%- if is_incremental() and selected_session_keys() | length > 0 %}
    where {{ session_filter('session_id') }}
    {%- endif -%}
{%- endmacro %}

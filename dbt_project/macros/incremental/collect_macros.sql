{#- The digests of the project's macros among `macro_ids`, their dispatch variants and the
    macros those call, into `checksums`; `seen` holds the names already visited. A macro is read
    through its MacroGenerator's parsed node (`.macro.macro_sql`, dbt-core 1.11: see
    f1_lakehouse/lib/dbt/__init__.py); dbt's own macros change only with its pinned version. -#}
{% macro collect_macros(macro_ids, seen, checksums) -%}
    {%- for macro_id in macro_ids -%}
        {%- set parts = macro_id.split('.') -%}
        {%- if parts[1] == project_name -%}
            {%- set name = parts[2] -%}
            {%- for candidate in [name, 'default__' ~ name, 'spark__' ~ name, 'databricks__' ~ name] -%}
                {%- set found = context.get(candidate) -%}
                {%- if candidate not in seen and found is not none and found.macro is defined -%}
                    {%- do seen.append(candidate) -%}
                    {%- do checksums.append(local_md5(candidate ~ ':' ~ found.macro.macro_sql)) -%}
                    {%- do collect_macros(found.macro.depends_on.macros, seen, checksums) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

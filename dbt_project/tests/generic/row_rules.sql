{#- A model's single-row rules as ONE data test: one scan and one dbt node, not one per column
    and rule (each node costs dbt its compile and run, per session). A failing row comes back
    with one boolean column per rule, true where it breaks that rule, named after the test it
    replaces: not_null__<column>, accepted_values__<column>, value_between__<column>, or the
    name given to an expression. Null passes accepted_values and value_between (as dbt's
    accepted_values and the one-column value_between); an expression must be true (null fails).
    Rules of one severity share a test: integrity rules error, plausibility rules warn. -#}
{% test row_rules(model, not_null=[], accepted_values={}, value_between={}, expressions={}) %}
{%- set rules = {} -%}
{%- for column in not_null -%}
    {%- do rules.update({'not_null__' ~ column: column ~ ' is not null'}) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(sql_string(value) if value is string else value | string) -%}
    {%- endfor -%}
    {%- do rules.update({'accepted_values__' ~ column:
        column ~ ' is null or ' ~ column ~ ' in (' ~ literals | join(', ') ~ ')'}) -%}
{%- endfor -%}
{%- for column, bounds in value_between.items() -%}
    {%- if bounds | length != 2 -%}
        {{ exceptions.raise_compiler_error("row_rules: value_between." ~ column ~ " needs [min, max], got " ~ bounds) }}
    {%- endif -%}
    {%- do rules.update({'value_between__' ~ column:
        column ~ ' is null or ' ~ column ~ ' between ' ~ bounds[0] ~ ' and ' ~ bounds[1]}) -%}
{%- endfor -%}
{%- for name, expression in expressions.items() -%}
    {%- do rules.update({name: expression}) -%}
{%- endfor -%}
{%- if rules | length == 0 -%}
    {{ exceptions.raise_compiler_error("row_rules on " ~ model ~ " names no rule") }}
{%- endif -%}
select *
from (
    select
        {%- for name, holds in rules.items() %}
        not coalesce(({{ holds }}), false) as {{ name }},
        {%- endfor %}
        *
    from {{ model }}
) dbt_checked
where {{ rules.keys() | join(' or ') }}
{% endtest %}

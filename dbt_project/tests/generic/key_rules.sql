{#- A model's key rules as ONE data test: its unique keys and its references to other models
    (foreign keys, on one column or several), one query and one dbt node instead of one per rule
    (each node costs dbt its compile and run, per session), its branches sharing one read of the
    model. Each failing row is one key breaking one rule:
      rule           unique__<col>[__<col>...]: a key on more than one row (null counts as a
                     value), or relationships__<col>[__<col>...]__to__<model>: a key, none of its
                     columns null, that the referenced model does not have;
      key_values     the key, as `col=value, ...`;
      rows_with_key  how many of the model's rows carry it.
    These are integrity rules: the test errors. -#}
{% test key_rules(model, unique=[], relationships=[]) %}
{%- set rules = [] -%}
{%- for columns in unique -%}
    {%- do rules.append({'name': 'unique', 'columns': columns, 'to': none}) -%}
{%- endfor -%}
{%- for reference in relationships -%}
    {%- do rules.append({'name': 'relationships', 'columns': reference['columns'], 'to': reference['to']}) -%}
{%- endfor -%}
{%- if rules | length == 0 -%}
    {{ exceptions.raise_compiler_error("key_rules on " ~ model ~ " names no rule") }}
{%- endif -%}
with dbt_keyed as (select * from {{ model }})
{% for rule in rules -%}
{%- set columns = rule['columns'] -%}
{%- if columns is string or columns | length == 0 -%}
    {{ exceptions.raise_compiler_error("key_rules on " ~ model ~ ": " ~ rule['name'] ~ " needs a list of columns, got " ~ columns) }}
{%- endif -%}
{%- set name = rule['name'] ~ '__' ~ columns | join('__') -%}
{%- if rule['to'] is not none -%}
    {%- set name = name ~ '__to__' ~ (rule['to'].identifier if rule['to'].identifier is defined else rule['to']) -%}
{%- endif %}
select
    '{{ name }}' as rule,
    concat_ws(', '{% for c in columns %}, '{{ c }}=' || cast(keyed.{{ c }} as {{ dbt.type_string() }}){% endfor %}) as key_values,
    count(*) as rows_with_key
from dbt_keyed as keyed
{%- if rule['to'] is not none %}
where {% for c in columns %}keyed.{{ c }} is not null and {% endfor %}not exists (
    select 1 from {{ rule['to'] }} as parent
    where {% for c in columns %}parent.{{ c }} = keyed.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
)
{%- endif %}
group by {% for c in columns %}keyed.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- if rule['to'] is none %}
having count(*) > 1
{%- endif %}
{% if not loop.last %}union all
{% endif %}
{%- endfor %}
{% endtest %}

{% macro seen_loads_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__seen_loads',
        type='table')) }}
{%- endmacro %}

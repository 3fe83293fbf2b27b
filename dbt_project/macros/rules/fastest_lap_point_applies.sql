{#- The fastest-lap point: races 2019-2024 only, and only for a top-10 finisher. -#}
{% macro fastest_lap_point_applies(season, code, position) -%}
    ({{ code }} = 'R' and {{ season }} between 2019 and 2024 and {{ position }} <= 10)
{%- endmacro %}

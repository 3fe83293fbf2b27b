{#- Team identity. Sources disagree on team ids (FastF1 falls back to "nan", "haas_f1_team" or
    "red_bull_racing" when Ergast has no entry yet; OpenF1 has names only), so silver keys teams
    by the Ergast constructor ref derived from the team name, and gold links renamed teams into
    one lineage (the same factory and entry under a new name). -#}
{% macro team_refs() %}{{ return({
    'Alfa Romeo': 'alfa', 'Alfa Romeo Racing': 'alfa', 'AlphaTauri': 'alphatauri',
    'Alpine': 'alpine', 'Alpine F1 Team': 'alpine', 'Aston Martin': 'aston_martin',
    'Ferrari': 'ferrari', 'Force India': 'force_india', 'Haas F1 Team': 'haas', 'Haas': 'haas',
    'Kick Sauber': 'sauber', 'Sauber': 'sauber', 'McLaren': 'mclaren', 'Mercedes': 'mercedes',
    'Racing Point': 'racing_point', 'RB': 'rb', 'Racing Bulls': 'rb',
    'Red Bull Racing': 'red_bull', 'Red Bull': 'red_bull', 'Renault': 'renault',
    'Toro Rosso': 'toro_rosso', 'Williams': 'williams', 'Audi': 'audi', 'Cadillac': 'cadillac'
}) }}{% endmacro %}

{#- Lineages: constructor ref -> (lineage key, the order of the names within it). -#}
{% macro team_lineages() %}{{ return({
    'toro_rosso': ('faenza', 1), 'alphatauri': ('faenza', 2), 'rb': ('faenza', 3),
    'force_india': ('silverstone', 1), 'racing_point': ('silverstone', 2), 'aston_martin': ('silverstone', 3),
    'renault': ('enstone', 1), 'alpine': ('enstone', 2),
    'sauber': ('hinwil', 1), 'alfa': ('hinwil', 2), 'audi': ('hinwil', 3),
    'red_bull': ('milton_keynes', 1), 'mercedes': ('brackley', 1), 'ferrari': ('maranello', 1),
    'mclaren': ('woking', 1), 'williams': ('grove', 1), 'haas': ('kannapolis', 1),
    'cadillac': ('cadillac', 1)
}) }}{% endmacro %}

{% macro team_id_for(name_column) -%}
    case trim({{ name_column }})
    {%- for name, ref in team_refs().items() %}
        when '{{ name }}' then '{{ ref }}'
    {%- endfor %}
        else nullif(regexp_replace(lower(trim({{ name_column }})), '[^a-z0-9]+', '_', 'g'), '')
    end
{%- endmacro %}

{% macro team_lineage_values() -%}
    (values
    {%- for ref, lineage in team_lineages().items() %}
        ('{{ ref }}', '{{ lineage[0] }}', {{ lineage[1] }}){% if not loop.last %},{% endif %}
    {%- endfor %}
    ) as lineage(team_id, lineage_key, lineage_order)
{%- endmacro %}

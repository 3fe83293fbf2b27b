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

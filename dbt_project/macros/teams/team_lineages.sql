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

{#- Every combination of `columns` in the model exists in `to` (a composite foreign key). -#}
{% test relationships_combination(model, to, columns) %}
select {{ columns | join(', ') }}
from (select * from {{ model }}) as child
where {% for c in columns %}child.{{ c }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
  and not exists (
    select 1 from {{ to }} as parent
    where {% for c in columns %}parent.{{ c }} = child.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
  )
{% endtest %}

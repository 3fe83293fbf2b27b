-- Where a source is known to disagree with the official classification, and why: the
-- reconciliation reports such a difference as known (with this reason), not as a failure
-- and not as a pass. Each entry names the session, car, comparison (gold or derived) and field.
{%- set known = [
] %}
select
    cast(null as string) as session_id,
    cast(null as string) as driver_number,
    cast(null as string) as comparison,
    cast(null as string) as field,
    cast(null as string) as reason
where false
{%- for session_id, driver_number, comparison, field, reason in known %}
union all
select '{{ session_id }}', '{{ driver_number }}', '{{ comparison }}', '{{ field }}', '{{ reason }}'
{%- endfor %}

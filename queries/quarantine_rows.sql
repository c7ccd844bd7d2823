-- quarantine_rows
-- grain: one row per rule a quarantined row broke (officer view only)
-- params: none
-- reads: quarantine
with quarantine as (
    select * from quarantine
),

final as (
    select file_name, kind, line, column_name, rule, reason, load_id
    from quarantine
)

select * from final
order by load_id, line, column_name

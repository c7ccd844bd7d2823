-- quarantine_by_rule
-- grain: one row per file per rule with the number of rows it quarantined
-- params: none
-- reads: quarantine
with quarantine as (
    select * from quarantine
),

final as (
    select file_name, kind, rule, column_name, count(distinct line) as rows_quarantined
    from quarantine
    group by all
)

select * from final
order by file_name, rows_quarantined desc, rule

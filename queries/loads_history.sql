-- loads_history
-- grain: one row per file loaded into the store
-- params: none
-- reads: loads
with loads as (
    select * from loads
),

final as (
    select
        load_id,
        file_name,
        kind,
        loaded_at,
        encoding,
        rows_read,
        rows_loaded,
        rows_replaced,
        rows_quarantined,
        dropped_columns
    from loads
)

select * from final
order by load_id

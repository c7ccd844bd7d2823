-- training_snapshots
-- grain: one row per training snapshot in the store
-- params: none
-- reads: stg_training
with training as (
    select * from stg_training
),

final as (
    select
        snapshot_date,
        count(*) filter (where is_required) as required,
        count(*) filter (where is_required and is_in_date) as in_date,
        count(*) filter (where is_required and is_expiring_soon) as expiring_soon,
        count(*) filter (where is_required and not is_councillor) as staff_required,
        count(*) filter (where is_required and not is_councillor and is_in_date) as staff_in_date,
        count(*) filter (where is_required and is_councillor) as councillors_required,
        count(*) filter (where is_required and is_councillor and is_in_date) as councillors_in_date,
        count(distinct staff_id) as people
    from training
    group by snapshot_date
)

select * from final
order by snapshot_date

-- training_coverage_by_service
-- grain: one row per service at the latest snapshot on or before $end_date (required courses only)
-- params: $end_date
-- reads: stg_training
with snapshot as (
    select max(snapshot_date) as snapshot_date from stg_training where snapshot_date <= $end_date
),

training as (
    select t.* from stg_training as t
    inner join snapshot as s on t.snapshot_date = s.snapshot_date
    where t.is_required
),

final as (
    select
        snapshot_date,
        service,
        is_councillor,
        count(*) as required,
        count(*) filter (where is_in_date) as in_date,
        count(*) filter (where is_expiring_soon) as expiring_soon,
        count(distinct staff_id) filter (where not is_in_date) as people_not_in_date,
        count(distinct staff_id) filter (where is_expiring_soon) as people_expiring_soon,
        count(distinct staff_id) filter (where is_expiring_30_days) as people_expiring_30_days
    from training
    group by snapshot_date, service, is_councillor
)

select * from final
order by is_councillor, service

-- training_coverage_by_course
-- grain: one row per course (and level) at the latest snapshot on or before $end_date (required courses only)
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
        course,
        min(level) as level,
        count(*) as required,
        count(*) filter (where is_in_date) as in_date,
        count(*) filter (where is_expiring_soon) as expiring_soon
    from training
    group by snapshot_date, course
)

select * from final
order by level nulls last, course

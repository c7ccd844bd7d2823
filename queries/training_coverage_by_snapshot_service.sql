-- training_coverage_by_snapshot_service
-- grain: one row per snapshot per service (required courses only): the trend
-- params: none
-- reads: stg_training
with training as (
    select * from stg_training
    where is_required
),

final as (
    select
        snapshot_date,
        service,
        is_councillor,
        count(*) as required,
        count(*) filter (where is_in_date) as in_date
    from training
    group by snapshot_date, service, is_councillor
)

select * from final
order by snapshot_date, service

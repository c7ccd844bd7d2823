-- concerns_by_service
-- grain: one row per service (current name) that raised a concern in the period
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
    select
        service,
        count(*) as concerns,
        count(*) filter (where is_referred) as referred
    from concerns
    group by service
)

select * from final
order by concerns desc, service

-- concerns_summary
-- grain: one row for the period: concerns raised and referred externally, council-wide
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
    select
        count(*) as concerns,
        count(*) filter (where is_referred) as referred
    from concerns
)

select * from final

-- concerns_by_statutory_category
-- grain: one row per statutory category with at least one concern in the period
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
    select
        statutory_category,
        count(*) as concerns
    from concerns
    group by statutory_category
)

select * from final
order by concerns desc, statutory_category

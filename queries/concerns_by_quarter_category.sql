-- concerns_by_quarter_category
-- grain: one row per financial quarter per service per category with at least one concern, from $start_date to $end_date
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
    select
        quarter_label,
        quarter_start,
        service,
        category,
        statutory_category,
        count(*) as concerns
    from concerns
    group by quarter_label, quarter_start, service, category, statutory_category
)

select * from final
order by quarter_start, service, category

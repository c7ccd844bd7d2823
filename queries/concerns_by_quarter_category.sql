-- concerns_by_quarter_category
-- grain: one row per financial quarter per category with at least one concern (all services), in the quarters from $start_date to $end_date
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

counted as (
    -- by year and quarter number: the labels are made once per quarter, not once per concern
    select fy_start_year, fy_quarter, category, statutory_category, count(*) as concerns
    from concerns
    group by fy_start_year, fy_quarter, category, statutory_category
),

final as (
    select
        fy_start_year || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0') || ' Q' || fy_quarter as quarter_label,
        make_date(fy_start_year + fy_quarter // 4, ((fy_quarter - 1) * 3 + 3) % 12 + 1, 1) as quarter_start,
        category,
        statutory_category,
        concerns
    from counted
)

select * from final
order by quarter_start, category

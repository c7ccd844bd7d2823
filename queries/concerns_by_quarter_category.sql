-- concerns_by_quarter_category
-- grain: one row per financial quarter per category with at least one concern (all services, all quarters)
-- params: none
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
),

final as (
    select
        quarter_label,
        quarter_start,
        category,
        statutory_category,
        count(*) as concerns
    from concerns
    group by quarter_label, quarter_start, category, statutory_category
)

select * from final
order by quarter_start, category

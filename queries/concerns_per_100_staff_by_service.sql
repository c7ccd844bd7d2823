-- concerns_per_100_staff_by_service
-- grain: one row per service with a known headcount in the financial year $financial_year
-- params: $financial_year
-- reads: stg_concerns, dim_service_headcount
with concerns as (
    -- the year's dates first, so that only its concerns are labelled
    select * from stg_concerns
    where raised_at >= make_date(try_cast(left($financial_year, 4) as integer), 4, 1)
        and raised_at < make_date(try_cast(left($financial_year, 4) as integer) + 1, 4, 1)
        and financial_year = $financial_year
),

headcount as (
    select * from dim_service_headcount
    where financial_year = $financial_year
),

counted as (
    select service, count(*) as concerns
    from concerns
    group by service
),

final as (
    select
        h.service,
        coalesce(c.concerns, 0) as concerns,
        h.headcount,
        round(100.0 * coalesce(c.concerns, 0) / nullif(h.headcount, 0), 1) as concerns_per_100_staff
    from headcount as h
    left join counted as c on c.service = h.service
)

select * from final
order by concerns_per_100_staff desc nulls last, service

-- dim_service_headcount
-- grain: one row per current service per financial year with a known headcount
-- params: none
-- reads: services, dim_service_names
with services as (
    select * from services
),

names as (
    select * from dim_service_names
),

final as (
    select
        coalesce(n.service, s.service) as service,
        s.year as financial_year,
        sum(s.headcount) as headcount
    from services as s
    left join names as n on n.service_as_recorded = s.service
    where s.headcount is not null and s.year is not null
    group by all
)

select * from final

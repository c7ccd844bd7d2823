-- dim_named_services
-- grain: one row per service name the services table names: a service, or the name a renamed one reports under (its alias_of)
-- params: none
-- reads: services
with services as (
    select * from services
),

final as (
    select service from services
    union
    select alias_of from services where alias_of is not null
)

select * from final

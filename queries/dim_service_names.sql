-- dim_service_names
-- grain: one row per service name that services.alias_of renames, with the current name it reports under
-- params: none
-- reads: services
with services as (
    select * from services
),

renames as (
    select service, max(alias_of) as alias_of
    from services
    where alias_of is not null and alias_of <> service
    group by service
),

final as (
    -- follow a rename of a rename (two restructures) to the name used today
    select
        r.service as service_as_recorded,
        coalesce(r2.alias_of, r.alias_of) as service
    from renames as r
    left join renames as r2 on r2.service = r.alias_of
)

select * from final

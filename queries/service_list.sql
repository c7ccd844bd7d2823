-- service_list
-- grain: one row per current service name found in concerns or training
-- params: none
-- reads: stg_concerns, stg_training
with concerns as (
    select distinct service from stg_concerns
),

training as (
    select distinct service from stg_training
),

final as (
    select service from concerns
    union
    select service from training
)

select * from final
order by service

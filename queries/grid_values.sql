-- grid_values
-- grain: one row per attribute value a published grid lists (services, categories, statutory categories, referral destinations), in every period
-- params: none
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
),

final as (
    select distinct 'service' as attribute, service as value, null::varchar as parent from concerns
    union all
    select distinct 'category', category, statutory_category from concerns
    union all
    select distinct 'statutory_category', statutory_category, null from concerns
    union all
    select distinct 'referred_to', coalesce(referred_to, 'Not referred externally'), null from concerns
)

select * from final
order by attribute, value

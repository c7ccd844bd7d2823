-- reference_gaps
-- grain: one row per category, service or referral destination the concern or training exports use that the reference tables (categories, services, destinations) do not name: the officers' mapping work
-- params: none
-- reads: concerns, training, categories, dim_named_services, destinations
with categories_used as (
    select category as value, count(*) as rows_using, min(raised_at)::date as first_seen,
           max(raised_at)::date as last_seen
    from concerns
    where category is not null
    group by category
),

services_used as (
    select service as value, count(*) as rows_using, min(raised_at)::date as first_seen,
           max(raised_at)::date as last_seen
    from concerns
    where service is not null
    group by service
    union all
    select service, count(*), min(snapshot_date), max(snapshot_date)
    from training
    where service is not null
    group by service
),

destinations_used as (
    select referred_to as value, count(*) as rows_using, min(raised_at)::date as first_seen,
           max(raised_at)::date as last_seen
    from concerns
    where referred_to is not null
    group by referred_to
),

final as (
    select 'category' as kind, value, rows_using, first_seen, last_seen
    from categories_used as u
    where not exists (select 1 from categories as c where c.category = u.value)
    union all
    select 'service', value, sum(rows_using), min(first_seen), max(last_seen)
    from services_used as u
    where not exists (select 1 from dim_named_services as s where s.service = u.value)
    group by value
    union all
    select 'destination', value, rows_using, first_seen, last_seen
    from destinations_used as u
    where not exists (select 1 from destinations as d where d.referred_to = u.value)
)

select * from final
order by kind, value

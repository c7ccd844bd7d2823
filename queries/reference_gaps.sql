-- reference_gaps
-- grain: one row per category or service name the concern or training exports use that the reference tables (categories, services) do not name: the officers' mapping work
-- params: none
-- reads: concerns, training, categories, services
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

final as (
    select 'category' as kind, value, rows_using, first_seen, last_seen
    from categories_used as u
    where not exists (select 1 from categories as c where c.category = u.value)
    union all
    select 'service', value, sum(rows_using), min(first_seen), max(last_seen)
    from services_used as u
    where not exists (select 1 from services as s where s.service = u.value)
    group by value
)

select * from final
order by kind, value

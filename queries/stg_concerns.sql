-- stg_concerns
-- grain: one row per concern
-- params: none
-- reads: concerns, categories, destinations, dim_service_names, dim_named_services, dim_reference_labels
with concerns as (
    select * from concerns
),

categories as (
    select * from categories
),

names as (
    select * from dim_service_names
),

labels as (
    select * from dim_reference_labels
),

named_destinations as (
    select distinct referred_to from destinations
),

named_services as (
    select * from dim_named_services
),

renamed as (
    select
        c.concern_id,
        c.raised_at,
        -- the publication takes its labels only from the reference tables; the officer view shows them as
        -- recorded (dim_reference_labels)
        case when l.reference_only and s.service is null then l.other_service_label
             else coalesce(n.service, c.service) end as service,
        case when l.reference_only and s.service is null then l.other_service_label
             else c.service end as service_as_recorded,
        c.team,
        case when l.reference_only and k.category is null then l.other_category_label else c.category end as category,
        coalesce(k.statutory_category, 'Not mapped') as statutory_category,
        c.subject_group,
        c.reviewed_at,
        case when l.reference_only and c.referred_to is not null and d.referred_to is null
             then l.other_destination_label else c.referred_to end as referred_to,
        c.referred_to is not null as is_referred,
        c.outcome,
        c.closed_at,
        date_diff('second', c.raised_at, c.reviewed_at) / 3600.0 as hours_to_review,
        case when month(c.raised_at) >= 4 then year(c.raised_at) else year(c.raised_at) - 1 end as fy_start_year,
        (month(c.raised_at) + 8) % 12 // 3 + 1 as fy_quarter
    from concerns as c
    cross join labels as l
    left join names as n on n.service_as_recorded = c.service
    left join categories as k on k.category = c.category
    left join named_services as s on s.service = c.service
    left join named_destinations as d on d.referred_to = c.referred_to
),

final as (
    select
        *,
        fy_start_year || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0') as financial_year,
        fy_start_year || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0') || ' Q' || fy_quarter as quarter_label,
        make_date(fy_start_year + fy_quarter // 4, ((fy_quarter - 1) * 3 + 3) % 12 + 1, 1) as quarter_start
    from renamed
)

select * from final

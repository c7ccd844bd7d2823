-- stg_concerns
-- grain: one row per concern
-- params: none
-- reads: concerns, categories, dim_service_names
with concerns as (
    select * from concerns
),

categories as (
    select * from categories
),

names as (
    select * from dim_service_names
),

renamed as (
    select
        c.concern_id,
        c.raised_at,
        coalesce(n.service, c.service) as service,
        c.service as service_as_recorded,
        c.team,
        c.category,
        coalesce(k.statutory_category, 'Not mapped') as statutory_category,
        c.subject_group,
        c.reviewed_at,
        c.referred_to,
        c.referred_to is not null as is_referred,
        c.outcome,
        c.closed_at,
        date_diff('second', c.raised_at, c.reviewed_at) / 3600.0 as hours_to_review,
        case when month(c.raised_at) >= 4 then year(c.raised_at) else year(c.raised_at) - 1 end as fy_start_year,
        (month(c.raised_at) + 8) % 12 // 3 + 1 as fy_quarter
    from concerns as c
    left join names as n on n.service_as_recorded = c.service
    left join categories as k on k.category = c.category
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

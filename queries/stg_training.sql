-- stg_training
-- grain: one row per member of staff per course per snapshot
-- params: none
-- reads: training, dim_service_names, dim_named_services, dim_reference_labels
with training as (
    select * from training
),

names as (
    select * from dim_service_names
),

labels as (
    select * from dim_reference_labels
),

named_services as (
    select * from dim_named_services
),

expiry as (
    select
        t.snapshot_date,
        t.staff_id,
        -- the publication names only the services the services table names (dim_reference_labels)
        case when l.reference_only and s.service is null then l.other_service_label
             else coalesce(n.service, t.service) end as service,
        coalesce(n.service, t.service) = 'Councillors' as is_councillor,
        t.role,
        t.course,
        t.level,
        t.required as is_required,
        t.completed_on,
        -- a blank expiry lapses three years after completion (data-contract.md)
        coalesce(t.expires_on, cast(t.completed_on + interval 3 year as date)) as expires_on,
        t.expires_on is null and t.completed_on is not null as is_expiry_defaulted
    from training as t
    cross join labels as l
    left join names as n on n.service_as_recorded = t.service
    left join named_services as s on s.service = t.service
),

final as (
    select
        *,
        coalesce(completed_on <= snapshot_date and expires_on >= snapshot_date, false) as is_in_date,
        coalesce(completed_on <= snapshot_date and expires_on >= snapshot_date
                 and expires_on <= snapshot_date + interval 90 day, false) as is_expiring_soon,
        coalesce(completed_on <= snapshot_date and expires_on >= snapshot_date
                 and expires_on <= snapshot_date + interval 30 day, false) as is_expiring_30_days
    from expiry
)

select * from final

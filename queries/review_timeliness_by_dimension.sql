-- review_timeliness_by_dimension
-- grain: one row per financial quarter, one per service, and one for the whole period (dimension = quarter | service | all)
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

clocked as (
    select
        *,
        case
            when reviewed_at is not null and hours_to_review <= $target_hours then 'within_target'
            when reviewed_at is not null then 'late'
            -- still inside the target: too recent to know, in neither bucket
            when date_diff('second', raised_at, $as_of::timestamp) / 3600.0 <= $target_hours then 'clock_running'
            else 'overdue_unreviewed'
        end as review_status
    from concerns
),

grouped as (
    select
        case
            when grouping(quarter_label) = 0 then 'quarter'
            when grouping(service) = 0 then 'service'
            else 'all'
        end as dimension,
        coalesce(quarter_label, service, 'All') as value,
        min(quarter_start) as quarter_start,
        count(*) as raised,
        count(*) filter (where review_status = 'within_target') as within_target,
        count(*) filter (where review_status = 'late') as late,
        count(*) filter (where review_status = 'overdue_unreviewed') as overdue_unreviewed,
        count(*) filter (where review_status = 'clock_running') as clock_running,
        count(*) filter (where review_status <> 'clock_running') as in_denominator,
        count(hours_to_review) as reviewed,
        round(median(hours_to_review), 1) as median_hours_to_review,
        round(quantile_cont(hours_to_review, 0.9), 1) as p90_hours_to_review
    from clocked
    group by grouping sets ((quarter_label), (service), ())
),

final as (
    select * from grouped
)

select * from final
order by dimension, quarter_start, value

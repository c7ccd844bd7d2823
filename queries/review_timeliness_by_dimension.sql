-- review_timeliness_by_dimension
-- grain: one row per financial quarter, one per service, and one for the whole period (dimension = quarter | service | all)
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: int_clocked_concerns
with clocked as (
    select * from int_clocked_concerns
),

grouped as (
    select
        case
            when grouping(fy_start_year) = 0 then 'quarter'
            when grouping(service) = 0 then 'service'
            else 'all'
        end as dimension,
        fy_start_year,
        fy_quarter,
        service,
        -- quarters counted from year 0, so that the earliest is the least; labels are made per group, not per row
        min(fy_start_year * 4 + fy_quarter - 1) as first_quarter,
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
    group by grouping sets ((fy_start_year, fy_quarter), (service), ())
),

final as (
    select
        dimension,
        coalesce(fy_start_year || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0') || ' Q' || fy_quarter,
                 service, 'All') as value,
        make_date(first_quarter // 4 + (first_quarter % 4 + 1) // 4, ((first_quarter % 4) * 3 + 3) % 12 + 1, 1)
            as quarter_start,
        raised, within_target, late, overdue_unreviewed, clock_running, in_denominator, reviewed,
        median_hours_to_review, p90_hours_to_review
    from grouped
)

select * from final
order by dimension, quarter_start, value

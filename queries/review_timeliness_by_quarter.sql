-- review_timeliness_by_quarter
-- grain: one row per financial quarter with concerns raised from $start_date to $end_date (dimension = quarter): the counts the trends draw, without the medians review_timeliness_by_dimension works out for each of its groups
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: int_clocked_concerns
with clocked as (
    select fy_start_year, fy_quarter, review_status from int_clocked_concerns
),

counted as (
    pivot clocked
    on review_status in ('within_target', 'late', 'overdue_unreviewed', 'clock_running')
    using count(*)
    group by fy_start_year, fy_quarter
),

final as (
    select
        'quarter' as dimension,
        fy_start_year || '-' || lpad(((fy_start_year + 1) % 100)::varchar, 2, '0') || ' Q' || fy_quarter as value,
        make_date(fy_start_year + fy_quarter // 4, ((fy_quarter - 1) * 3 + 3) % 12 + 1, 1) as quarter_start,
        within_target + late + overdue_unreviewed + clock_running as raised,
        within_target,
        late,
        overdue_unreviewed,
        clock_running,
        within_target + late + overdue_unreviewed as in_denominator,
        within_target + late as reviewed
    from counted
)

select * from final
order by quarter_start

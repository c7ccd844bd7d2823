-- overdue_concerns
-- grain: one row per concern raised in the period, not reviewed, and past the review target at $as_of (officer view only: row level)
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: int_clocked_concerns
with overdue as (
    select * from int_clocked_concerns
    where review_status = 'overdue_unreviewed'
),

final as (
    select
        concern_id,
        raised_at,
        service,
        category,
        round(date_diff('second', raised_at, $as_of::timestamp) / 3600.0, 1) as hours_waiting
    from overdue
)

select * from final
order by hours_waiting desc, concern_id

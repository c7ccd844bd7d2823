-- overdue_concerns
-- grain: one row per concern raised in the period, not reviewed, and past the review target at $as_of (officer view only: row level)
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
        and reviewed_at is null
),

final as (
    select
        concern_id,
        raised_at,
        service,
        category,
        round(date_diff('second', raised_at, $as_of::timestamp) / 3600.0, 1) as hours_waiting
    from concerns
    where date_diff('second', raised_at, $as_of::timestamp) / 3600.0 > $target_hours
)

select * from final
order by hours_waiting desc, concern_id

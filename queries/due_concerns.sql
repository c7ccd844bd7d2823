-- due_concerns
-- grain: one row per concern not yet reviewed whose review clock is still running at $as_of: raised less than $target_hours before it (officer view only: row level)
-- params: $as_of, $target_hours
-- reads: stg_concerns
with waiting as (
    select
        concern_id,
        raised_at,
        service,
        category,
        date_diff('second', raised_at, $as_of::timestamp) / 3600.0 as hours
    from stg_concerns
    where reviewed_at is null and raised_at <= $as_of::timestamp
),

final as (
    select
        concern_id,
        raised_at,
        service,
        category,
        round(hours, 1) as hours_waiting,
        round($target_hours - round(hours, 1), 1) as hours_left
    from waiting
    where hours <= $target_hours
)

select * from final
order by hours_left, concern_id

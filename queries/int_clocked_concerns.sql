-- int_clocked_concerns
-- grain: one row per concern raised from $start_date to $end_date, with its review status at $as_of against $target_hours (the one statement of the review rule: written into the marts that read it)
-- params: $start_date, $end_date, $as_of, $target_hours
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
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
)

select * from final

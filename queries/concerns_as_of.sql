-- concerns_as_of
-- grain: one row: the latest raised_at or reviewed_at in the store (the as-of time of metrics.md)
-- params: none
-- reads: concerns
with concerns as (
    select * from concerns
),

final as (
    select
        greatest(max(raised_at), max(reviewed_at)) as as_of,
        max(raised_at) as latest_raised_at,
        min(raised_at) as earliest_raised_at,
        count(*) as concerns
    from concerns
)

select * from final

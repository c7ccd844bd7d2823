-- review_hours_distribution
-- grain: one row per band of hours from raising to review, for reviewed concerns raised in the period
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
        and reviewed_at is not null
),

bands as (
    select * from (values
        (1, 'Up to 4 hours', 0.0, 4.0),
        (2, '4 to 8 hours', 4.0, 8.0),
        (3, '8 to 12 hours', 8.0, 12.0),
        (4, '12 to 24 hours', 12.0, 24.0),
        (5, '24 to 48 hours', 24.0, 48.0),
        (6, '48 to 72 hours', 48.0, 72.0),
        (7, 'Over 72 hours', 72.0, 1e9)
    ) as t(band_order, band, low_hours, high_hours)
),

final as (
    select
        b.band_order,
        b.band,
        count(c.concern_id) as concerns
    from bands as b
    left join concerns as c
        on c.hours_to_review > b.low_hours and c.hours_to_review <= b.high_hours
        or (b.band_order = 1 and c.hours_to_review = 0)
    group by b.band_order, b.band
)

select * from final
order by band_order

-- outcomes_by_programme
-- grain: one row per programme per measure per financial year
-- params: none
-- reads: outcomes
with outcomes as (
    select * from outcomes
),

final as (
    select
        period,
        programme,
        service,
        measure,
        sought,
        engaged,
        positive,
        negative,
        case when negative is not null then engaged - positive - negative end as unknown
    from outcomes
)

select * from final
order by period, programme, measure

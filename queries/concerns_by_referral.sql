-- concerns_by_referral
-- grain: one row per referral destination (and one for none) in the period
-- params: $start_date, $end_date
-- reads: stg_concerns
with concerns as (
    select * from stg_concerns
    where raised_at >= $start_date and raised_at < $end_date + interval 1 day
),

final as (
    select
        coalesce(referred_to, 'Not referred externally') as referred_to,
        is_referred,
        count(*) as concerns
    from concerns
    group by all
)

select * from final
order by is_referred desc, concerns desc, referred_to

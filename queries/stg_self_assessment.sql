-- stg_self_assessment
-- grain: one row per standard per framework per audit year
-- params: none
-- reads: self_assessment
with ratings as (
    select * from self_assessment
),

final as (
    select
        year,
        case
            when regexp_full_match(year, '\d{4}') then make_date(year::int, 12, 31)
            when regexp_full_match(year, '\d{4}-\d{2}') then make_date(left(year, 4)::int + 1, 3, 31)
        end as year_end_date,
        framework,
        area,
        standard_id,
        standard,
        self_rating,
        peer_rating,
        coalesce(peer_rating, self_rating) as rating,
        case when peer_rating is not null then 'peer' else 'self' end as rating_source,
        case coalesce(peer_rating, self_rating)
            when 'Red' then 1 when 'Amber' then 2 when 'Green' then 3 when 'Blue' then 4
        end as rating_rank,
        evidence
    from ratings
)

select * from final

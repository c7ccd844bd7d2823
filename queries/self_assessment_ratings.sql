-- self_assessment_ratings
-- grain: one row per standard per framework per audit year
-- params: none
-- reads: stg_self_assessment
with ratings as (
    select * from stg_self_assessment
),

final as (
    select
        year,
        year_end_date,
        framework,
        area,
        standard_id,
        standard,
        self_rating,
        peer_rating,
        rating,
        rating_source,
        rating_rank,
        evidence
    from ratings
)

select * from final
order by year_end_date, framework, try_cast(standard_id as integer) nulls last, standard_id

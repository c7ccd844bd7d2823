-- self_assessment_share_by_year
-- grain: one row per audit year per framework per rating shown
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
        rating,
        min(rating_rank) as rating_rank,
        count(*) as standards,
        sum(count(*)) over (partition by year, framework) as of_standards
    from ratings
    group by year, year_end_date, framework, rating
)

select * from final
order by year_end_date, framework, rating_rank desc nulls last

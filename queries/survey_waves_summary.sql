-- survey_waves_summary
-- grain: one row per survey wave
-- params: none
-- reads: survey_waves, survey_responses
with waves as (
    select * from survey_waves
),

responses as (
    select * from survey_responses
),

respondents as (
    select survey_id, count(distinct response_id) as respondents
    from responses
    group by survey_id
),

final as (
    select
        w.survey_id,
        w.title,
        w.opened_on,
        w.closed_on,
        w.invited,
        coalesce(r.respondents, 0) as respondents
    from waves as w
    left join respondents as r on r.survey_id = w.survey_id
)

select * from final
order by closed_on

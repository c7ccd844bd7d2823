-- survey_positive_by_question_wave
-- grain: one row per question per survey wave
-- params: none
-- reads: stg_survey_answers, survey_questions, survey_waves
with answers as (
    select * from stg_survey_answers
),

questions as (
    select * from survey_questions
),

waves as (
    select * from survey_waves
),

counted as (
    select
        survey_id,
        question_id,
        count(*) as answered,
        count(*) filter (where is_positive) as positive
    from answers
    group by survey_id, question_id
),

final as (
    select
        w.survey_id,
        w.closed_on,
        q.question_id,
        q.text as question_text,
        q.positive_answers,
        coalesce(c.positive, 0) as positive,
        coalesce(c.answered, 0) as answered
    from questions as q
    inner join waves as w on w.survey_id = q.survey_id
    left join counted as c on c.survey_id = q.survey_id and c.question_id = q.question_id
)

select * from final
order by closed_on, question_id

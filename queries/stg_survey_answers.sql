-- stg_survey_answers
-- grain: one row per non-blank answer to a question in a wave
-- params: none
-- reads: survey_responses, survey_questions, survey_waves
with responses as (
    select * from survey_responses
),

questions as (
    select * from survey_questions
),

waves as (
    select * from survey_waves
),

final as (
    select
        r.survey_id,
        w.closed_on,
        r.response_id,
        r.question_id,
        q.text as question_text,
        r.answer,
        r.service,
        list_contains(
            list_transform(string_split(coalesce(q.positive_answers, ''), ';'), lambda x: lower(trim(x))),
            lower(trim(r.answer))
        ) as is_positive
    from responses as r
    left join questions as q on q.survey_id = r.survey_id and q.question_id = r.question_id
    left join waves as w on w.survey_id = r.survey_id
    -- a blank answer is no answer
    where nullif(trim(r.answer), '') is not null
)

select * from final

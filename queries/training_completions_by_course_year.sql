-- training_completions_by_course_year
-- grain: one row per course per calendar year of completion: distinct people completing it, read from the latest snapshot that shows it
-- params: none
-- reads: stg_training
with training as (
    select * from stg_training
    where completed_on is not null
),

completions as (
    -- a completion repeats across snapshots; one person-course-date is one completion
    select distinct staff_id, service, is_councillor, course, completed_on
    from training
),

final as (
    select
        year(completed_on) as completion_year,
        course,
        count(distinct staff_id) as people
    from completions
    group by all
)

select * from final
order by completion_year, course

-- data_freshness
-- grain: one row per export kind: how much is stored and how recent it is
-- params: none
-- reads: concerns, training, survey_waves, self_assessment, outcomes, loads
with concerns as (
    select 'concerns' as kind, count(*) as rows_stored, max(raised_at)::varchar as latest from concerns
),

training as (
    select 'training', count(*), max(snapshot_date)::varchar from training
),

waves as (
    select 'survey_waves', count(*), max(closed_on)::varchar from survey_waves
),

ratings as (
    select 'self_assessment', count(*), max(year) from self_assessment
),

outcomes as (
    select 'outcomes', count(*), max(period) from outcomes
),

final as (
    select * from concerns
    union all select * from training
    union all select * from waves
    union all select * from ratings
    union all select * from outcomes
)

select f.*, (select max(loaded_at) from loads where loads.kind = f.kind) as last_loaded_at
from final as f

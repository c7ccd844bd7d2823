from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, present, ui, views  # noqa: E402
from sg_data import frame as app  # noqa: E402

f = app.filters()
figs = app.cached_figures()
st.title(f"Staff survey: {f.period.label}")

DEFINITIONS = ("survey_wave", "respondents", "positive_share", "wilson_interval", "clear_change")
INLINE = ("survey_wave", "respondents", "positive_share")


def page() -> bool:
    waves = figs.get("survey_waves")
    questions = figs.get("survey_questions")
    wave = views.survey.wave_for(waves, f.period)
    if wave is None:
        first = (f" The first wave closed on {views.common.date_text(waves['closed_on'].min())}." if len(waves) else "")
        st.info(f"No staff survey wave had closed by {views.common.date_text(f.period.end)}, the end of "
                f"{f.period.label}, so there are no survey figures for this period.{first}")
        return False
    wave_id = str(wave["survey_id"])
    st.markdown(f"Wave **{wave_id}**: {ui.escape(wave['title'])}, open {views.common.date_text(wave['opened_on'])} to "
                f"{views.common.date_text(wave['closed_on'])}. A period uses the latest wave that closed on or before "
                f"its end ({views.common.date_text(f.period.end)}).")
    ui.definition("survey_wave")

    respondents = wave["respondents"]
    suppressed = bool(wave.get("respondents_suppressed", False)) if hasattr(wave, "get") else False
    invited = wave["invited"]
    cols = st.columns(3)
    with cols[0]:
        ui.figure("Respondents", views.common.count_text(respondents, suppressed or present.is_missing(respondents)),
                  f"Distinct responses to wave {wave_id}.", key="respondents")
    with cols[1]:
        if present.is_missing(invited) and not bool(wave.get("invited_suppressed", False)):
            ui.figure("Response rate", "[x]", "The number of staff invited was not recorded for this wave, so "
                      "there is no response rate.", key="respondents")
        else:
            ui.figure("Response rate", views.common.share_label(respondents, invited, interval=False),
                      "Respondents of staff invited.", key="respondents")
    before = views.survey.previous_wave(waves, wave_id)
    with cols[2]:
        ui.figure("Wave compared with", str(before["survey_id"]) if before is not None else "none",
                  f"Closed {views.common.date_text(before['closed_on'])}." if before is not None
                  else "This is the first wave.")

    ui.definition("respondents")

    st.header(f"Each question, wave {wave_id}")
    qs = views.survey.wave_questions(questions, wave_id)
    ui.chart_block(
        charts.share_points(qs, "question", f"Positive answers to each question, wave {wave_id}",
                            category_title="Question",
                            value_title="Positive share of those who answered (95% confidence interval)"),
        views.survey.wave_summary(qs, wave_id), views.survey.questions_table(qs), f"survey questions wave {wave_id}",
        caption="The figure above each dot is positive answers of those who answered the question (n), with "
                "the 95% confidence interval; the bar either side is that interval.")
    ui.definition("positive_share")

    st.header(f"Wave {wave_id} against the wave before")
    if before is None:
        st.info(f"Wave {wave_id} is the first wave: there is nothing before it to compare with.")
    else:
        before_id = str(before["survey_id"])
        changes = views.survey.wave_changes(questions, wave_id, before_id)
        st.markdown(ui.escape(views.survey.change_sentence(changes, before_id)))
        ui.data_table(views.survey.changes_table(changes, before_id, wave_id),
                      f"survey change wave {before_id} to {wave_id}")
        ui.definition("clear_change")

    st.header("Each question across all waves")
    trend = views.survey.question_trend(questions)
    ui.chart_block(
        charts.share_lines(trend, "wave", "Positive share of each question in every wave", facet="question",
                           x_title="Wave (in closing order)", y_title="Positive (95% interval)", height=130),
        views.survey.trend_summary(trend), views.survey.trend_table(trend),
        "survey questions all waves",
        caption=f"One panel per question; the vertical bar through each point is its 95% confidence interval. "
                f"The wave used for {f.period.label} is {wave_id}. A question missing from a wave was not asked "
                "in it.")
    return True


ui.definitions_block(DEFINITIONS, INLINE, page())

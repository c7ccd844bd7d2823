from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, present, ui, views  # noqa: E402
from sg_data import frame as app  # noqa: E402
from sg_data.stats import describe_change, is_clear_change  # noqa: E402

f = app.filters()
st.title(f"Staff survey: {f.period.label}")

DEFINITIONS = ("survey_wave", "respondents", "positive_share", "wilson_interval", "clear_change")
INLINE = ("survey_wave", "respondents", "positive_share")


def _wave_summary(qs, wave_id: str) -> str:
    shown = qs.dropna(subset=["share"])
    if shown.empty:
        return f"In wave {wave_id} every question's figure is hidden ([c]) because the numbers are small."
    high, low = shown.loc[shown["share"].idxmax()], shown.loc[shown["share"].idxmin()]
    text = (f"In wave {wave_id}, {len(qs)} questions: the highest positive share is {high['question']} "
            f"({high['label'].split(' (')[0]}) and the lowest {low['question']} ({low['label'].split(' (')[0]})")
    confident = qs[qs["question_id"].str.contains("confident")]
    if len(confident) and confident.index[0] not in (high.name, low.name):
        c = confident.iloc[0]
        text += f"; {c['question']}: {c['label'].split(' (')[0]}"
    return text + "."


def _trend_summary(trend) -> str:
    waves = trend["wave"].drop_duplicates().tolist()
    if not waves:
        return "There are no survey waves to show."
    changes = []
    for qid, part in trend.groupby("question_id", sort=False):
        part = part.reset_index(drop=True)
        for i in range(1, len(part)):
            a = views.common.share_of(part.loc[i - 1, "positive"], part.loc[i - 1, "answered"])
            b = views.common.share_of(part.loc[i, "positive"], part.loc[i, "answered"])
            if a is not None and b is not None and is_clear_change(a, b):
                changes.append(f"{part.loc[i, 'question']}, wave {part.loc[i - 1, 'wave']} to "
                               f"{part.loc[i, 'wave']} ({describe_change(a, b).replace(': a clear change', '')})")
    text = f"{len(waves)} waves from {waves[0]} to {waves[-1]}. "
    if changes:
        text += ("Clear changes from one wave to the next (95% intervals not overlapping): " + "; ".join(changes)
                 + ". Every other change between consecutive waves is no clear change.")
    else:
        text += "No change from one wave to the next is a clear change (the 95% intervals overlap every time)."
    return text


def page() -> bool:
    waves = app.get("survey_waves")
    questions = app.get("survey_questions")
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
    table = views.common.with_flags(qs[["question", "label", "positive", "answered", "question_text"]],
                                    ["positive", "answered"])
    table = table.rename(columns={"question_text": "Question asked", "answered": "Answered (n)",
                                  "label": "Positive share (95% interval)"})
    ui.chart_block(
        charts.share_points(qs, "question", f"Positive answers to each question, wave {wave_id}",
                            category_title="Question",
                            value_title="Positive share of those who answered (95% confidence interval)"),
        _wave_summary(qs, wave_id), table, f"survey questions wave {wave_id}",
        caption="The figure beside each dot is positive answers of those who answered the question (n), with "
                "the 95% confidence interval; the bar either side is that interval.")
    ui.definition("positive_share")

    st.header(f"Wave {wave_id} against the wave before")
    if before is None:
        st.info(f"Wave {wave_id} is the first wave: there is nothing before it to compare with.")
    else:
        changes = views.survey.wave_changes(questions, wave_id, str(before["survey_id"]))
        clear = changes[changes["clear_change"]]
        if clear.empty:
            sentence = (f"Against wave {before['survey_id']}, no question shows a clear change: every pair of 95% "
                        "intervals overlaps.")
        else:
            sentence = (f"Against wave {before['survey_id']}, {len(clear)} of {len(changes)} questions show a clear "
                        "change: " + "; ".join(f"{r.question} {r.change.replace(': a clear change', '')}"
                                                for r in clear.itertuples())
                        + ". The others show no clear change.")
        st.markdown(sentence)
        shown = changes.rename(columns={"before": f"Wave {before['survey_id']}", "now": f"Wave {wave_id}",
                                        "change": "Change"}).drop(columns=["clear_change"])
        ui.data_table(shown, f"survey change wave {before['survey_id']} to {wave_id}")
        ui.definition("clear_change")

    st.header("Each question across all waves")
    trend = views.survey.question_trend(questions)
    trend_table = views.common.with_flags(trend[["wave", "closed_on", "question", "positive", "answered", "label"]],
                                          ["positive", "answered"])
    trend_table["closed_on"] = trend_table["closed_on"].map(lambda d: f"{d:%Y-%m-%d}")
    ui.chart_block(
        charts.share_lines(trend, "wave", "Positive share of each question in every wave", facet="question",
                           x_title="Wave (in closing order)", y_title="Positive (95% interval)", height=130),
        _trend_summary(trend),
        trend_table.rename(columns={"answered": "Answered (n)", "label": "Positive share (95% interval)"}),
        "survey questions all waves",
        caption=f"One panel per question; the vertical bar through each point is its 95% confidence interval. "
                f"The wave used for {f.period.label} is {wave_id}. A question missing from a wave was not asked "
                "in it.")
    return True


ui.definitions_block(DEFINITIONS, INLINE, page())

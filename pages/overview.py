from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import ahead, charts, frame as app, narrative, ui, views  # noqa: E402
from sg_data.stats import NOT_AVAILABLE, describe_change  # noqa: E402

f = app.filters()
trend_target = app.published_target() or 24  # a publication holds its figures at one target only

st.title(f"Safeguarding at a glance: {f.period.label}")
st.caption(f"{f.dates}, compared with {f.comparison.label} "
           f"({f.comparison_kind.lower()}). {app.as_of_text()}")
if f.services:
    st.caption("The Overview covers the whole council; the services filter applies on the Concerns, "
               "Review timeliness and Training coverage pages.")


st.header("Trends with their limits")
quarters = app.get("timeliness_by_quarter", f.period, trend_target)
as_of = app.coverage().get("as_of")
for drawn, trend in enumerate((views.trends.concerns(quarters, f.period, as_of),
                               views.trends.within_target(quarters, f.period, as_of, trend_target))):
    if trend is None:
        st.info(f"No quarter up to {f.period.label} had ended by the as-of date, so there is no trend to show.")
        break
    st.subheader(trend.title)
    ui.chart_block(charts.xmr_chart(trend.drawn, trend.title, trend.y_title, trend.percent), trend.summary,
                   trend.table, trend.name, caption=trend.caption)
    if drawn == 0:  # the headline figures are worked out while the second trend is drawn
        ahead.brief(f.period)
        ahead.brief(f.comparison)
ui.definition("process_limits")
ui.definition("special_cause")

brief = app.brief(f.period)
before = app.brief(f.comparison)


def _change(now: dict | None, prior: dict | None) -> str | None:
    a, b = narrative.share_of(prior), narrative.share_of(now)
    if a is None or b is None or not a.of or not b.of:
        return None
    return f"Against {f.comparison.label}: {describe_change(a, b)}."


c_now, c_before = brief.get("concerns"), before.get("concerns")
t_now, t_before = brief.get("timeliness"), before.get("timeliness")
tr_now, tr_before = brief.get("training"), before.get("training")
q_now = narrative.headline_question(brief.get("survey"))
sa = brief.get("self_assessment")
small = views.trends.small_trends(app.cached_figures(), f.period, trend_target, q_now and q_now["question_id"])

cols = st.columns(5)
with cols[0]:
    # a period the concern export does not cover has no count at all: [x], never 0
    ui.figure("Concerns raised", narrative._count(c_now["total"]) if c_now else NOT_AVAILABLE,
              f"{f.comparison.label}: {narrative._count(c_before['total']) if c_before else NOT_AVAILABLE}",
              key="concerns_raised")
    ui.small_trend(small[0])
with cols[1]:
    target = t_now["target_hours"] if t_now else 24
    ui.figure(f"Reviewed within {target} hours",
              narrative.share_text(t_now["reviewed_within_target"]) if t_now else "[x]",
              _change(t_now and t_now["reviewed_within_target"], t_before and t_before["reviewed_within_target"]),
              key="reviewed_within_target")
    ui.small_trend(small[1])
with cols[2]:
    ui.figure("Required training in date", narrative.share_text(tr_now["coverage"]) if tr_now else "[x]",
              (f"Snapshot {tr_now['snapshot_date']}. " if tr_now else "")
              + (_change(tr_now and tr_now["coverage"], tr_before and tr_before["coverage"]) or ""),
              key="training_coverage")
    ui.small_trend(small[2])
with cols[3]:
    wave = brief.get("survey")
    ui.figure("Staff confident raising a concern", narrative.share_text(q_now["positive"]) if q_now else "[x]",
              f"Survey {wave['survey_id']}, {narrative._count(wave['respondents'])} respondents." if wave else
              "No survey wave had closed by the end of this period.", key="positive_share")
    ui.small_trend(small[3])
with cols[4]:
    ui.figure("Self-assessment: Green or better", narrative.share_text(narrative.green_or_better(sa)) if sa else "[x]",
              f"Audit year {sa['year']}." if sa else "No self-assessment year had ended by then.",
              key="rating_shown")
    ui.small_trend(small[4])
st.caption(views.trends.SMALL_TRENDS_NOTE)

st.header("In plain words")
for sentence in narrative.sentences(brief, before):
    st.markdown(f"- {ui.escape(sentence)}")

st.header("Figures and their denominators")
table = narrative.denominators(brief)
if len(table):
    ui.data_table(table, f"headline figures {f.period.label}")
ui.definition("clear_change")
ui.definition("wilson_interval")

st.header("Briefing for the portfolio holder")
st.write("The quarterly briefing, written from these figures: the headline figures, what changed, the exceptions "
         "and questions to ask, and one chart per area, in a few pages. The full pack adds every section's tables, "
         "the files it is made from and the definitions.")
length = st.radio("Length", ["Briefing (at most 4 pages)", "Full pack"], horizontal=True, key="brief_detail")
detail = "summary" if length.startswith("Briefing") else "full"
fmt = st.radio("Format", ["Word (.docx)", "PDF", "Web page (.html)"], horizontal=True, key="brief_format")
ext = {"Word (.docx)": "docx", "PDF": "pdf", "Web page (.html)": "html"}[fmt]
mime = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
        "html": "text/html"}[ext]
# Written when the button is clicked (Streamlit runs the callable on its own thread and shows the button busy
# meanwhile), so opening the Overview costs nothing and a first click on a fresh server is never lost.
writer = app.briefing_writer(f.period, ext, detail)
what = "briefing" if detail == "summary" else "full pack"
st.download_button(f"Download {what} {f.period.label} ({ext.upper()})", writer,
                   file_name=f"safeguarding-{what.replace(' ', '-')}-{f.period.label.replace(' ', '-')}-{app.view()}"
                             f".{ext}",
                   mime=mime, key="download_brief", icon=":material/download:")
st.caption("The briefing takes a few seconds to write: the download starts when it is ready.")

from sg_data.frame import frame

frame()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from sg_data import charts, frame as app, shaping, ui  # noqa: E402
from sg_data.stats import NOT_APPLICABLE, SUPPRESSED, Share, describe_change  # noqa: E402

TREND_QUARTERS = 12
COUNTS = ["raised", "within_target", "late", "overdue_unreviewed", "clock_running", "in_denominator", "reviewed"]


def hours_text(v) -> str:
    if v is None or pd.isna(v):  # hidden in the Scrutiny view where a handful were reviewed; else none were
        return SUPPRESSED if app.view() == "scrutiny" else "[x]"
    return f"{v:.1f}"


def with_shares(df: pd.DataFrame) -> pd.DataFrame:
    """Add share (0-1), low, high (the 95% Wilson interval) and the words: "58 of 63, 92%" and "83%-97%"."""
    out = df.copy()
    shares = [shaping.share_of(c, o) for c, o in zip(out["within_target"], out["in_denominator"])]
    out["share"] = [s.proportion if s and s.of else None for s in shares]
    out["low"] = [s.interval[0] if s and s.of else None for s in shares]
    out["high"] = [s.interval[1] if s and s.of else None for s in shares]
    out["label"] = [SUPPRESSED if s is None else s.format() for s in shares]
    out["pct"] = [SUPPRESSED if s is None else NOT_APPLICABLE if not s.of else f"{s.pct_rounded}%" for s in shares]
    out["interval"] = [SUPPRESSED if s is None else NOT_APPLICABLE if not s.of
                       else s.format(interval=True).rsplit(" (", 1)[1].rstrip(")") for s in shares]
    return out


f = app.filters()
period, comparison = f.period, f.comparison
scope, for_scope = ui.period_heading(f, f"Review timeliness: {period.label}")

published = app.published_target()  # a published store holds its figures at one target only
target = int(st.number_input("Review target (hours)", min_value=1, max_value=168, value=published or 24, step=1,
                             key="target_hours", disabled=published is not None,
                             help="Council policy is review by a Designated Safeguarding Lead within 24 hours. "
                                  "Change it to see the figures against another target."
                                  if published is None else
                                  f"The published figures are held at the {published}-hour target only."))
ui.definition("review_target")


def overall(period) -> tuple[dict | None, pd.DataFrame]:
    """The period's figures for the selected services (or all), and the per-service rows."""
    t = app.get("timeliness", period, target)
    if t.empty:
        return None, pd.DataFrame()
    services = f.keep(t[t["dimension"] == "service"].rename(columns={"value": "service"}))
    if f.services:
        figures = {c: ui.total(services, c) for c in COUNTS}
        if len(services) == 1:
            figures["median"] = services.iloc[0]["median_hours_to_review"]
            figures["p90"] = services.iloc[0]["p90_hours_to_review"]
        else:
            figures["median"] = figures["p90"] = None
    else:
        row = t[t["dimension"] == "all"].iloc[0]
        figures = {c: (None if pd.isna(row[c]) else int(row[c])) for c in COUNTS}
        figures["median"], figures["p90"] = row["median_hours_to_review"], row["p90_hours_to_review"]
    return figures, services


now, by_service = overall(period)
before, _ = overall(comparison)

if not now or now["raised"] == 0:
    st.info(f"No concerns were recorded{for_scope} in {period.label} ({period.start:%d %B %Y} to "
            f"{period.end:%d %B %Y}), so there is nothing to time. Choose another period or service in the sidebar.")
else:  # not st.stop(): under AppTest the run after a stopped run lost the sidebar

    # --- headline ------------------------------------------------------------------------------------
    share_now = shaping.share_of(now["within_target"], now["in_denominator"])
    share_before = shaping.share_of(before["within_target"], before["in_denominator"]) if before else None
    if not before or before["raised"] == 0:
        against = f"{comparison.label}: no concerns recorded to compare with."
    elif share_before is None or share_now is None:
        against = f"{comparison.label}: {ui.share_text(before['within_target'], before['in_denominator'])}."
    else:
        against = (f"{comparison.label}: {share_before.format(interval=True)}; "
                   f"{describe_change(share_before, share_now)}.")

    cols = st.columns(2) + st.columns(2)  # two rows: "259 of 276, 94% (90%-96%)" needs half the width
    with cols[0]:
        ui.figure(f"Reviewed within {target} hours", ui.share_text(now["within_target"], now["in_denominator"], True),
                  against, key="reviewed_within_target")
    with cols[2]:
        ui.figure("Overdue, not yet reviewed", ui.count_text(now["overdue_unreviewed"]),
                  f"Raised more than {target} hours before the as-of time and not reviewed.", key="overdue_unreviewed")
    with cols[3]:
        ui.figure("Clock still running", ui.count_text(now["clock_running"]),
                  f"Not yet reviewed, raised less than {target} hours ago: too recent to know, so left out of the "
                  "denominator.", key="as_of")
    with cols[1]:
        if f.services and len(by_service) != 1:
            ui.figure("Median hours to review", "Per service",
                      "Medians cannot be added across services: see each service's median and 90th percentile below.",
                      key="median_hours")
        else:
            ui.figure("Median hours to review", hours_text(now["median"]),
                      f"90th percentile: {hours_text(now['p90'])} hours."
                      + (f" For {scope}." if f.services else ""), key="median_hours")
    ui.definition("reviewed_within_target")
    ui.definition("overdue_unreviewed")
    ui.definition("median_hours")
    ui.definition("as_of")
    if f.services:
        st.caption(f"Figures for {scope}: the counts within target and in the denominator are added over "
                   f"{'that service' if len(f.services) == 1 else 'those services'}.")

    # --- by quarter ----------------------------------------------------------------------------------
    st.header(f"Reviewed within {target} hours, by quarter")
    ui.definition("wilson_interval")
    trend = app.get("timeliness_by_quarter", None, target)
    if trend.empty:
        st.info("No concerns are loaded, so there is no trend to show.")
    else:
        trend = trend[pd.to_datetime(trend["quarter_start"]).dt.date <= period.end].tail(TREND_QUARTERS)
        trend = with_shares(trend.rename(columns={"value": "quarter"})).reset_index(drop=True)
        if trend.empty:
            st.info(f"No concerns were recorded in the quarters up to {period.label}.")
        else:
            known = trend.dropna(subset=["share"])
            if len(known):
                best, worst = known.loc[known["share"].idxmax()], known.loc[known["share"].idxmin()]
                last = trend.iloc[-1]
                summary = (f"Across all services, the share reviewed within {target} hours over the {len(trend)} "
                           "quarters "
                           f"from {trend.iloc[0]['quarter']} to {last['quarter']} ranged from {worst['pct']} "
                           f"({worst['quarter']}) to {best['pct']} ({best['quarter']}); in {last['quarter']} it was "
                           f"{last['label']}.")
            else:
                summary = "Every quarterly share in this range is hidden ([c])."
            trend["pct_label"] = trend["pct"]
            table = ui.with_flags(trend[["quarter", "within_target", "in_denominator", "pct", "interval"]]
                               .rename(columns={"pct": "share"}), ["within_target", "in_denominator"])
            ui.chart_block(
                charts.share_trend(trend, "quarter", f"Share of concerns reviewed within {target} hours, by quarter",
                                   label="pct_label", y_title=f"Reviewed within {target} hours", x_title="Quarter"),
                summary, table, f"reviewed within target by quarter {target} hours",
                caption="The line is the share reviewed within target; the shaded band is its 95% confidence interval.")
            if f.services:
                st.caption("This trend covers all services: the services filter does not apply to it.")

    # --- by service ----------------------------------------------------------------------------------
    st.header(f"Reviewed within {target} hours, by service: {period.label}")
    rated = with_shares(by_service)
    rated = rated[rated["in_denominator"].isna() | (rated["in_denominator"] > 0)]
    rated = rated.sort_values(["share", "service"], ascending=[False, True], na_position="last").reset_index(drop=True)
    if rated.empty:
        st.info(f"No reviewed concerns for {scope} in {period.label}.")
    else:
        known = rated.dropna(subset=["share"])
        if len(known) > 1 and known["pct"].nunique() == 1:
            summary = (f"In {period.label}, each of the {len(known)} services shown reviewed "
                       f"{known.iloc[0]['pct']} of its "
                       f"concerns within {target} hours.")
        elif len(known) > 1:
            summary = (f"In {period.label}, the share reviewed within {target} hours ranged from "
                       f"{known.iloc[-1]['label']} ({known.iloc[-1]['service']}) to {known.iloc[0]['label']} "
                       f"({known.iloc[0]['service']}); the bars show each share's 95% confidence interval.")
        elif len(known) == 1:
            only = known.iloc[0]
            summary = f"In {period.label}, {only['service']} reviewed {only['label']} within {target} hours."
        else:
            summary = f"Every share by service in {period.label} is hidden ([c])."
        if len(known) and len(known) < len(rated):
            summary = summary[:-1] + f"; {len(rated) - len(known)} services' shares are hidden ([c])."
        table = ui.with_flags(rated[["service", "within_target", "in_denominator", "pct", "interval"]]
                           .rename(columns={"pct": "share"}), ["within_target", "in_denominator"])
        ui.chart_block(
            charts.fit_width(charts.share_chart(rated.dropna(subset=["share"]), "service",
                                                f"Share reviewed within {target} hours by service, {period.label}",
                                                category_title="Service")),
            summary, table, f"reviewed within target by service {period.label}",
            caption="Each diamond is a service's share; the line either side is its 95% confidence interval. "
                    "Small services have wide intervals.")
        st.subheader("Hours to review, by service")
        st.caption("Medians and 90th percentiles are per service: they cannot be added or averaged across services.")
        medians = by_service[["service", "reviewed", "median_hours_to_review", "p90_hours_to_review"]] \
            .sort_values(["median_hours_to_review", "service"], na_position="last")
        medians = medians.rename(columns={"p90_hours_to_review": "90th percentile hours"})
        ui.data_table(ui.with_flags(medians, ["reviewed"]),
                      f"hours to review by service {period.label}")

    # --- the spread of review times ------------------------------------------------------------------
    st.header(f"How long reviews took: {period.label}")
    bands = app.get("review_hours", period)
    reviewed = ui.total(bands, "concerns") if not bands.empty else 0
    if not reviewed and reviewed is not None:
        st.info(f"No concerns raised in {period.label} have been reviewed yet.")
    else:
        fast = bands[bands["band_order"] == 1]["concerns"]
        slow = bands[bands["band_order"] >= 5]
        slow_total = ui.total(slow, "concerns")
        if reviewed is None or fast.isna().any() or slow_total is None:
            summary = f"Some of the counts of review times in {period.label} are hidden ([c])."
        else:
            summary = (f"Across all services, of {reviewed:,} concerns raised in {period.label} and reviewed, "
                       f"{int(fast.iloc[0]):,} ({Share(int(fast.iloc[0]), reviewed).pct_rounded}%) were reviewed "
                       f"within 4 hours and {slow_total:,} ({Share(slow_total, reviewed).pct_rounded}%) took more than "
                       "24 hours.")
        ui.chart_block(
            charts.fit_width(charts.histogram(bands, "band", "concerns",
                                              f"Hours from recording to review, {period.label}",
                                              "Concerns reviewed")),
            summary, ui.with_flags(bands[["band", "concerns"]], ["concerns"]), f"review hours {period.label}",
            caption="Each bar includes its upper bound: a review at exactly 24 hours is in the 12 to 24 hours bar.")
        if f.services:
            st.caption("This chart covers all services: the services filter does not apply to it.")

    # --- overdue list (officers only) ----------------------------------------------------------------
    st.header(f"Overdue concerns not yet reviewed: {period.label}")
    ui.definition("overdue_unreviewed")
    if app.view() != "officer":
        st.info("The list of overdue concerns is for officers only: it is not shown in the Scrutiny view. "
                "The number overdue is shown above.")
    else:
        overdue = app.get("overdue_concerns", period, target)
        if overdue is None:
            st.info("The list of overdue concerns is not available from this data source.")
        else:
            overdue = f.keep(overdue)
            if overdue.empty:
                st.success(f"No concern raised in {period.label}{' in ' + scope if f.services else ''} is overdue "
                           f"against the {target}-hour target.")
            else:
                many = len(overdue) != 1
                st.markdown(f"{len(overdue):,} concern{'s' if many else ''} raised in {period.label}"
                            f"{' in ' + scope if f.services else ''} {'have' if many else 'has'} not been reviewed and "
                            f"{'are' if many else 'is'} past the {target}-hour target, longest waiting first; hours "
                            "waiting are counted to the as-of time. The list holds the concern reference only, no "
                            "personal details.")
                shown = overdue[["concern_id", "raised_at", "service", "category", "hours_waiting"]].rename(
                    columns={"concern_id": "reference"})
                shown["raised_at"] = pd.to_datetime(shown["raised_at"]).dt.strftime("%d %b %Y %H:%M")
                ui.data_table(shown, f"overdue concerns {period.label}")

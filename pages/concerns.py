from sg_data.frame import frame

frame()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from sg_data import charts, frame as app, periods, ui  # noqa: E402
from sg_data.stats import SUPPRESSED, Share, describe_change  # noqa: E402

TREND_QUARTERS = 12  # three years of quarters: enough to see the season and the direction
TREND_SERIES = 7  # the largest categories get a colour each; the rest are grouped

BREAKDOWNS = {"Council category": "category", "Statutory category": "statutory_category"}


f = app.filters()
period, comparison = f.period, f.comparison
scope, for_scope = ui.period_heading(f, f"Concerns raised: {period.label}")

by_service = f.keep(app.get("concerns_by_service", period))
before_service = f.keep(app.get("concerns_by_service", comparison))


def headline(period, services: pd.DataFrame) -> tuple:
    """(concerns raised, referred externally) for the selected services; None where hidden ([c]), and referred
    is "n/a" where this view gives no referrals by service."""
    if services.empty:
        return 0, 0
    raised = ui.total(services, "concerns")
    referred = ui.total(services, "referred") if "referred" in services.columns else "n/a"
    if not f.services and (raised is None or referred in (None, "n/a")):
        # the whole council's figures as the briefing publishes them (suppressed in the Scrutiny view)
        section = app.brief(period).get("concerns") or {}
        if raised is None:
            raised = section.get("total")
        if referred in (None, "n/a"):
            referred = (section.get("referred_externally") or {}).get("count")
    return raised, referred


now_total, now_referred = headline(period, by_service)
before_total, before_referred = headline(comparison, before_service)

if by_service.empty:
    st.info(f"No concerns were recorded{for_scope} in {period.label} ({period.start:%d %B %Y} to "
            f"{period.end:%d %B %Y}). Choose another period or service in the sidebar.")
    ui.definition("concerns_raised")
else:  # not st.stop(): under AppTest the run after a stopped run lost the sidebar

    # --- headline ------------------------------------------------------------------------------------
    referred_now = (now_referred, now_total)
    referred_before = (before_referred, before_total)


    def change_words(now, before) -> str:
        if now is None or before is None:
            return f"{comparison.label}: {ui.count_text(before)}."
        if before == 0:
            return f"{comparison.label}: none recorded."
        diff = now - before
        if diff == 0:
            return f"{comparison.label}: {before:,} (no change)."
        return (f"{comparison.label}: {before:,} ({'up' if diff > 0 else 'down'} {abs(diff):,}, "
                f"or {abs(diff) / before:.0%}).")


    def referred_change() -> str:
        (a, a_of), (b, b_of) = referred_before, referred_now
        if isinstance(b, str):
            return "Referrals by service are not available in this view."
        if None in (a, a_of, b, b_of) or isinstance(a, str):
            return f"{comparison.label}: {ui.share_text(a, a_of)}."
        if not a_of:
            return f"{comparison.label}: no concerns to compare with."
        return (f"{comparison.label}: {ui.share_text(a, a_of, interval=True)}; "
                f"{describe_change(Share(a, a_of), Share(b, b_of))}.")


    col_count, col_referred = st.columns(2)
    with col_count:
        ui.figure("Concerns raised", ui.count_text(now_total), change_words(now_total, before_total),
                  key="concerns_raised")
        ui.definition("concerns_raised")
    with col_referred:
        ui.figure("Referred externally", ui.share_text(*referred_now, interval=True), referred_change(),
                  key="referred_externally")
        ui.definition("referred_externally")
    ui.definition("comparison")

    # --- by service ----------------------------------------------------------------------------------
    st.header("Concerns by service")
    ui.definition("concerns_by_service")
    service_table = ui.with_flags(by_service[["service", "concerns"]], ["concerns"])
    shown = by_service.dropna(subset=["concerns"])
    if len(by_service) == 1 and len(shown):
        summary = f"In {period.label}, {shown.iloc[0]['service']} raised {int(shown.iloc[0]['concerns']):,} concerns."
    elif len(shown):
        top, bottom = shown.iloc[0], shown.iloc[-1]
        summary = (f"In {period.label}, {top['service']} raised the most concerns ({int(top['concerns']):,} of "
                   f"{ui.count_text(now_total)})")
        if len(shown) > 1 and len(shown) == len(by_service):
            summary += f" and {bottom['service']} the fewest ({int(bottom['concerns']):,})."
        else:
            summary += "." if len(shown) == len(by_service) else "; counts that could identify people are hidden ([c])."
    else:
        summary = f"Every count by service in {period.label} is hidden ([c])."
    ui.chart_block(
        charts.fit_width(charts.bar_chart(by_service, "service", "concerns",
                                          f"Concerns raised by service, {period.label}",
                                          "Concerns", category_title="Service")),
        summary, service_table, f"concerns by service {period.label}")

    # --- categories by service -----------------------------------------------------------------------
    st.header("Categories by service")
    cells = f.keep(app.get("concerns_by_service_category", period))
    if cells.empty:
        st.info(f"No concerns with a category for {scope} in {period.label}.")
    else:
        service_rank = {s: i for i, s in enumerate(by_service["service"])}
        cells = (cells.assign(_rank=cells["service"].map(service_rank))
                 .sort_values(["_rank", "concerns", "category"], ascending=[True, False, True], na_position="last")
                 .drop(columns="_rank").reset_index(drop=True))
        if f.services:
            by_category = (cells.groupby("category", as_index=False)["concerns"]
                           .agg(lambda s: pd.NA if s.isna().any() else s.sum()))
        else:  # the published category list (the grid's other margin)
            by_category = app.get("concerns_by_category", period)
        known = by_category.dropna(subset=["concerns"]).sort_values(["concerns", "category"], ascending=[False, True])
        biggest = cells.dropna(subset=["concerns"]).sort_values(["concerns", "service", "category"],
                                                                 ascending=[False, True, True])
        parts = []
        if len(known):
            first = known.iloc[0]
            parts.append(f"the most frequent category was {first['category']} ({int(first['concerns']):,})")
        if len(biggest) and f.services != (biggest.iloc[0]["service"],):
            b = biggest.iloc[0]
            parts.append(f"the largest single cell was {b['category']} in {b['service']} ({int(b['concerns']):,})")
        summary = (f"In {period.label}, " + "; ".join(parts) + "." if parts
                   else f"Every count in this grid for {period.label} is hidden ([c]).")
        if parts and cells["concerns"].isna().any():
            summary = summary[:-1] + "; counts that could identify people are hidden ([c])."
        ui.chart_block(
            charts.all_labels(charts.fit_width(charts.heatmap(cells, "category", "service", "concerns",
                                                              f"Concerns by service and category, {period.label}",
                                                              "Concerns"))),
            summary, ui.with_flags(cells[["service", "category", "concerns"]], ["concerns"]),
            f"concerns by service and category {period.label}",
            caption="Each cell is the number of concerns a service raised in a category; darker cells hold more.")

    # --- trend by quarter ----------------------------------------------------------------------------
    st.header("Concerns by quarter")
    choice = st.segmented_control("Break the quarters down by", list(BREAKDOWNS), default="Council category",
                                  key="concerns_breakdown",
                                  help="Council category: the category as recorded. Statutory category: the Care Act "
                                       "2014 or Working Together category it maps to.")
    series = BREAKDOWNS[choice or "Council category"]
    series_name = (choice or "Council category").lower()
    trend = app.get("concerns_by_quarter_category")
    if trend.empty:
        st.info("No concerns are loaded, so there is no trend to show.")
    else:
        last_data = pd.Timestamp(trend["quarter_start"].max()).date()
        first_data = pd.Timestamp(trend["quarter_start"].min()).date()
        q = periods.quarter_of(min(period.end, last_data))
        quarters = []
        while len(quarters) < TREND_QUARTERS and q.start >= first_data:
            quarters.append(q)
            q = q.previous()
        quarters.reverse()
        labels = [q.label for q in quarters]
        window = trend[trend["quarter_label"].isin(labels)]
        if window.empty:
            st.info(f"No concerns were recorded in the {TREND_QUARTERS} quarters to {period.label}.")
        else:
            grouped = (window.groupby(["quarter_label", series])["concerns"]
                       .agg(lambda s: pd.NA if s.isna().any() else s.sum()).reset_index())
            sizes = (grouped.assign(_n=grouped["concerns"].astype("Float64").fillna(0))
                     .groupby(series)["_n"].sum().reset_index().sort_values(["_n", series], ascending=[False, True]))
            keep = sizes[series].head(TREND_SERIES).tolist()
            other = "All other categories"
            grouped[series] = grouped[series].where(grouped[series].isin(keep), other)
            grouped = (grouped.groupby(["quarter_label", series])["concerns"]
                       .agg(lambda s: pd.NA if s.isna().any() else s.sum()).reset_index())
            order = keep + ([other] if other in set(grouped[series]) else [])
            # every quarter shows every series: a quarter with none of a category is a zero, not a gap
            full = pd.MultiIndex.from_product([labels, order], names=["quarter_label", series]).to_frame(index=False)
            grouped = full.merge(grouped, how="left", on=["quarter_label", series], indicator=True)
            grouped["concerns"] = grouped["concerns"].astype("Int64").mask(grouped["_merge"] == "left_only", 0)
            grouped = grouped.drop(columns="_merge")
            quarter_totals = (grouped.groupby("quarter_label", sort=False)["concerns"]
                              .agg(lambda s: pd.NA if s.isna().any() else s.sum()))
            known_totals = quarter_totals.dropna()
            span = f"Over the {len(labels)} quarters from {labels[0]} to {labels[-1]} (all services)"
            largest = f"the largest {series_name} was {keep[0]} ({int(sizes.iloc[0]['_n']):,})"
            if len(known_totals) == len(quarter_totals):
                hi, lo = known_totals.idxmax(), known_totals.idxmin()
                summary = (f"{span}, concerns per quarter ranged from {int(known_totals[lo]):,} ({lo}) to "
                           f"{int(known_totals[hi]):,} ({hi}); {largest}.")
            elif grouped["concerns"].notna().any():
                summary = (f"{span}, {largest} among the counts shown; a quarter's total is hidden ([c]) where one "
                           "of its parts is.")
            else:
                summary = f"Every quarterly count from {labels[0]} to {labels[-1]} is hidden ([c])."
            table = grouped.pivot(index="quarter_label", columns=series, values="concerns").reindex(index=labels,
                                                                                                     columns=order)
            table.insert(len(order), "Total", quarter_totals.reindex(labels).astype("Int64"))
            table = table.reset_index().rename(columns={"quarter_label": "Quarter"})
            table.columns.name = None
            table = ui.with_flags(table, order + ["Total"])
            ui.chart_block(
                charts.stacked_counts(grouped, "quarter_label", "concerns", series,
                                      f"Concerns by quarter and {series_name}, {labels[0]} to {labels[-1]}",
                                      "Concerns", x_title="Quarter", series_title=choice or "Council category"),
                summary, table, f"concerns by quarter and {series_name}",
                caption=(f"The {TREND_SERIES} largest {series_name.replace('category', 'categories')} over these "
                         f"quarters have a colour each; the rest are grouped as {other}. The total is written above "
                         "each bar."))
            if f.services:
                st.caption("This trend covers all services: the services filter does not apply to it.")

    # --- per 100 staff -------------------------------------------------------------------------------
    fy = period.financial_year
    st.header(f"Concerns per 100 staff, {fy.label}")
    ui.definition("concerns_per_100_staff")
    rates = f.keep(app.get("concerns_per_100_staff", period))
    fy_services = f.keep(app.get("concerns_by_service", fy))
    no_headcount = sorted(set(fy_services["service"]) - set(rates["service"]))
    if period.is_quarter:
        st.caption(f"Headcount is recorded by financial year, so this shows the whole of {fy.label}, the year that "
                   f"contains {period.label}.")
    if rates.empty:
        st.info(f"No headcount is recorded for {scope} in {fy.label}, so no rate can be shown.")
    else:
        rates = rates.copy()
        rates["headcount"] = rates["headcount"].round().astype("Int64")
        rates["_label"] = rates["concerns_per_100_staff"].map(lambda v: SUPPRESSED if pd.isna(v) else f"{v:.1f}")
        shown = rates.dropna(subset=["concerns_per_100_staff"])
        if len(shown):
            top = shown.iloc[0]
            summary = (f"In {fy.label}, {top['service']} raised the most concerns per 100 staff "
                       f"({top['concerns_per_100_staff']:.1f}: {ui.count_text(top['concerns'])} concerns, "
                       f"{ui.count_text(top['headcount'])} staff)")
            if len(shown) > 1:
                bottom = shown.iloc[-1]
                summary += f" and {bottom['service']} the fewest ({bottom['concerns_per_100_staff']:.1f})"
            summary += "."
        else:
            summary = f"Every rate for {fy.label} is hidden because its count is hidden ([c])."
        table = ui.with_flags(rates[["service", "concerns", "headcount", "concerns_per_100_staff"]],
                           ["concerns", "concerns_per_100_staff"])
        ui.chart_block(
            charts.fit_width(charts.bar_chart(rates, "service", "concerns_per_100_staff",
                                              f"Concerns per 100 staff by service, {fy.label}",
                                              "Concerns per 100 staff",
                                              category_title="Service", label="_label", colour=charts.GSS_PALETTE[1])),
            summary, table, f"concerns per 100 staff {fy.label}")
    if no_headcount:
        st.markdown(f"No headcount is recorded for {ui.names(no_headcount)} in {fy.label}, so no rate is shown for "
                    f"{'it' if len(no_headcount) == 1 else 'them'}.")

    # --- referrals -----------------------------------------------------------------------------------
    st.header("Where concerns were referred")
    ui.definition("referred_externally")
    st.markdown(f"**Referred externally, {period.label} ({scope}):** {ui.share_text(*referred_now, interval=True)}.")
    referrals = app.get("concerns_by_referral", period)
    destinations = referrals[referrals["is_referred"]].reset_index(drop=True) if not referrals.empty else referrals
    if destinations.empty:
        st.info(f"No concerns raised in {period.label} were referred externally.")
    else:
        all_referred = ui.total(destinations, "concerns")
        all_raised = ui.total(referrals, "concerns")
        if all_referred is None or all_raised is None:
            # a hidden destination: the whole council's figures as published (when they are what the headline shows)
            all_referred, all_raised = (now_referred, now_total) if not f.services else (None, None)
        known = destinations.dropna(subset=["concerns"])
        if None in (all_referred, all_raised):
            summary = f"Across all services, {SUPPRESSED} concerns raised in {period.label} were referred externally"
        else:
            summary = (f"Across all services, {all_referred:,} of {all_raised:,} concerns raised in {period.label} "
                       f"({Share(all_referred, all_raised).pct_rounded}%) were referred externally")
        summary += (f"; the most common destination was {known.iloc[0]['referred_to']} "
                    f"({int(known.iloc[0]['concerns']):,})." if len(known) else ".")
        ui.chart_block(
            charts.fit_width(charts.bar_chart(destinations, "referred_to", "concerns",
                                              f"External referrals by destination, {period.label}", "Concerns referred",
                                              category_title="Referred to", colour=charts.GSS_PALETTE[2])),
            summary, ui.with_flags(referrals[["referred_to", "concerns"]], ["concerns"]),
            f"concerns by referral {period.label}",
            caption="The table adds the concerns not referred externally (advice given or no further action).")
        if f.services:
            st.caption("Destinations cover all services: the services filter applies to the referred share above, "
                       "not to this chart.")

    # --- the statutory mapping -----------------------------------------------------------------------
    st.header("How the council's categories map to statutory categories")
    ui.definition("statutory_category")
    mapping = app.get("concerns_by_category", period)
    if mapping.empty:
        st.info(f"No categories were recorded in {period.label}.")
    else:
        mapping = (ui.with_flags(mapping[["category", "statutory_category", "concerns"]], ["concerns"])
                   .sort_values(["statutory_category", "concerns", "category"], ascending=[True, False, True],
                                na_position="last")
                   .rename(columns={"concerns": "concerns (all services)",
                                    "concerns_suppressed": "concerns (all services)_suppressed"}))
        st.caption(f"The categories recorded in {period.label}, with the number of concerns in each across all "
                   "services.")
        ui.data_table(mapping, f"category mapping {period.label}")

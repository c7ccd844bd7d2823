from sg_data.frame import frame

frame()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from sg_data import charts, contract, frame as app, present, rules, ui, views  # noqa: E402

KIND_NAMES = {"concerns": "Concerns", "training": "Training matrix", "survey_waves": "Staff survey waves",
              "survey_questions": "Staff survey questions", "survey_responses": "Staff survey responses",
              "self_assessment": "Self-assessment", "outcomes": "Outcomes", "services": "Services",
              "categories": "Categories"}
LATEST_WORDS = {"concerns": "latest concern recorded", "training": "latest training snapshot",
                "survey_waves": "latest survey wave closed", "self_assessment": "latest audit year",
                "outcomes": "latest financial year"}


def latest_text(kind: str, latest) -> str:
    if latest is None or pd.isna(latest):
        return "nothing recorded"
    text = str(latest)
    try:
        when = pd.Timestamp(text)
        if len(text) > 10:
            text = f"{when:%d %B %Y %H:%M}"
        elif len(text) == 10:
            text = f"{when:%d %B %Y}"
    except (ValueError, TypeError):
        pass
    return f"{LATEST_WORDS.get(kind, 'latest')} {text}"


st.title("Data: what is loaded")
st.caption(app.as_of_text())
ui.definitions_link()
st.write("The dashboard reads the council's exports from a DuckDB store. Each export is checked against the data "
         "contract as it is loaded: rows that break a rule are set aside (quarantined) with the reason, and the rest "
         "of the file loads.")

# --- freshness -----------------------------------------------------------------------------------
st.header("How recent the data is")
fresh = app.get("data_freshness")
if fresh is None or fresh.empty:
    st.info("Nothing has been loaded yet. See 'How to load your own exports' below.")
else:
    fresh = fresh.assign(_order=fresh["kind"].map({k: i for i, k in enumerate(KIND_NAMES)}).fillna(99))
    for row in fresh.sort_values(["_order", "kind"]).itertuples():
        loaded = f"; last loaded {row.last_loaded_at:%d %B %Y %H:%M}" if not pd.isna(row.last_loaded_at) else ""
        st.markdown(f"- **{KIND_NAMES.get(row.kind, row.kind)}**: {present.count(row.rows_stored)} rows stored; "
                    f"{latest_text(row.kind, row.latest)}{loaded}.")

# --- loads ---------------------------------------------------------------------------------------
st.header("Files loaded")
loads = app.get("loads_history")
if loads is None or loads.empty:
    st.info("No files have been loaded yet.")
else:
    counted = "rows_loaded" in loads.columns  # a publication lists the files, not their rows (officer only)
    cols = st.columns(3 if counted else 1)
    with cols[0]:
        ui.figure("Files loaded", f"{loads['file_name'].nunique():,}")
    if counted:
        with cols[1]:
            ui.figure("Rows loaded", present.count(loads["rows_loaded"].sum(min_count=1)))
        with cols[2]:
            ui.figure("Rows quarantined", present.count(views.common.frame_total(loads, "rows_quarantined"),
                                                        missing=present.SUPPRESSED),
                      "Set aside because they break the data contract; see below.", key="quarantine")
    shown = loads[[c for c in ("file_name", "kind", "loaded_at", "encoding", "rows_read", "rows_loaded",
                               "rows_replaced", "rows_quarantined", "dropped_columns") if c in loads.columns]].copy()
    shown["loaded_at"] = pd.to_datetime(shown["loaded_at"]).dt.strftime("%d %b %Y %H:%M")
    shown["dropped_columns"] = shown["dropped_columns"].fillna("")
    shown = shown.rename(columns={"file_name": "file", "loaded_at": "when loaded",
                                  "dropped_columns": "columns not stored"})
    ui.data_table(shown, "files loaded")
    st.caption("Columns not stored: identity columns (names, addresses, postcodes) are dropped on load and never "
               "stored; columns the contract does not know are not stored either. A wide survey file has one row "
               "per respondent but loads one row per answer, so it can load more rows than it has.")

# --- quarantine ----------------------------------------------------------------------------------
st.header("Rows set aside (quarantine)")
ui.definition("quarantine")
by_rule = app.get("quarantine_by_rule")
if by_rule is None or by_rule.empty:
    st.success("No rows have been quarantined: every row of every file loaded met the data contract.")
else:
    totals = (by_rule.groupby("rule", as_index=False)["rows_quarantined"]
              .agg(lambda s: pd.NA if s.isna().any() else s.sum())
              .sort_values(["rows_quarantined", "rule"], ascending=[False, True]).reset_index(drop=True))
    rows_total = (views.common.frame_total(loads, "rows_quarantined")
                  if loads is not None and "rows_quarantined" in loads.columns else None)
    breaks = views.common.frame_total(by_rule, "rows_quarantined")
    breaks = pd.NA if breaks is None else breaks
    top = totals.dropna(subset=["rows_quarantined"])
    summary = f"{present.count(rows_total, missing=present.SUPPRESSED)} rows were quarantined"
    if not pd.isna(breaks):
        summary += f", with {int(breaks):,} rule breaks between them (a row can break more than one rule)"
    if len(top):
        most = top[top["rows_quarantined"] == top.iloc[0]["rows_quarantined"]]["rule"].tolist()
        n = int(top.iloc[0]["rows_quarantined"])
        summary += (f"; the rule broken most often was {most[0]} ({n:,})." if len(most) == 1 else
                    f"; the rules broken most often were {', '.join(most[:-1])} and {most[-1]} ({n:,} each).")
    else:
        summary += "."
    ui.chart_block(
        charts.whole_number_x(charts.fit_width(charts.bar_chart(
            totals, "rule", "rows_quarantined", "Rows quarantined by the rule they broke", "Rows",
            category_title="Rule", colour=charts.GSS_PALETTE[3]))),
        summary, totals, "rows quarantined by rule",
        caption="The rule codes are explained in the rule catalogue below.")
    ui.data_table(by_rule[["file_name", "kind", "rule", "column_name", "rows_quarantined"]]
                  .rename(columns={"file_name": "file", "column_name": "column"}), "quarantine by file and rule")

    st.subheader("The quarantined rows")
    if not app.sees_rows():
        st.info("The list of quarantined rows is for officers only: it is not shown in the Scrutiny view.")
    else:
        rows = app.get("quarantine_rows")
        if rows is None or rows.empty:
            st.info("No quarantined rows are listed.")
        else:
            st.write("Each row below names the file, its line (the header is line 1), the column and the reason, "
                     "so that it can be corrected at source and loaded again. A row that breaks two rules is "
                     "listed twice.")
            ui.data_table(rows[["file_name", "line", "column_name", "rule", "reason"]]
                          .rename(columns={"file_name": "file", "column_name": "column"}), "quarantined rows")

# --- the contract --------------------------------------------------------------------------------
st.header("Data dictionary")
st.write("Every column of every export the dashboard reads: its type, whether it is required, what it means, and "
         "the other column headings accepted for it (headings are matched ignoring case, spaces and punctuation).")
ui.data_table(pd.DataFrame(contract.data_dictionary()), "data dictionary")

st.header("Rule catalogue")
st.write("Every rule a row is checked against, with the code stored in the quarantine and the message given.")
ui.data_table(pd.DataFrame(rules.rule_catalogue()), "rule catalogue")

# --- loading -------------------------------------------------------------------------------------
st.header("How to load your own exports")
kinds = ", ".join(f"`{k}`" for k in contract.LOAD_ORDER)
st.markdown("1. Put the exports (CSV or Excel) in one folder. Each file's name starts with the kind of export it "
            f"holds: {kinds} (for example `concerns_2023-24.csv`, `training-2026-09-30.xlsx`).\n"
            "2. Load them into a store. A newer export replaces the stored rows it covers (the same concern, "
            "training snapshot or survey wave), and loading the same file again changes nothing:")
st.code("python -m sg_data load SOURCE_DIR --db sg.duckdb", language="bash")
st.markdown("3. Start the dashboard on that store:")
st.code("SG_DB=sg.duckdb streamlit run dashboard.py", language="bash")
st.markdown("The load report lists each file, the rows loaded, replaced and quarantined, and the reason for each "
            "quarantined row; this page shows the same.")

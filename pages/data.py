from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import charts, contract, frame as app, ui  # noqa: E402
from sg_data.views import data as vm  # noqa: E402

st.title("Data: what is loaded")
st.caption(app.as_of_text())
ui.definitions_link()
st.write("The dashboard reads the council's exports from a DuckDB store. Each export is checked against the data "
         "contract as it is loaded: rows that break a rule are set aside (quarantined) with the reason, and the rest "
         "of the file loads.")

# --- freshness -----------------------------------------------------------------------------------
st.header("How recent the data is")
lines = vm.freshness_lines(app.get("data_freshness"))
if not lines:
    st.info("Nothing has been loaded yet. See 'How to load your own exports' below.")
for kind, text in lines:
    st.markdown(f"- **{ui.escape(kind)}**: {ui.escape(text)}")

# --- loads ---------------------------------------------------------------------------------------
st.header("Files loaded")
loads = app.get("loads_history")
if loads is None or loads.empty:
    st.info("No files have been loaded yet.")
else:
    shown = vm.loads(loads)
    cols = st.columns(3 if shown.rows_loaded is not None else 1)
    with cols[0]:
        ui.figure("Files loaded", shown.files)
    if shown.rows_loaded is not None:
        with cols[1]:
            ui.figure("Rows loaded", shown.rows_loaded)
        with cols[2]:
            ui.figure("Rows quarantined", shown.rows_quarantined,
                      "Set aside because they break the data contract; see below.", key="quarantine")
    ui.data_table(shown.table, "files loaded")
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
    q = vm.quarantine(by_rule, loads)
    ui.chart_block(
        charts.whole_number_x(charts.fit_width(charts.bar_chart(
            q.totals, "rule", "rows_quarantined", "Rows quarantined by the rule they broke", "Rows",
            category_title="Rule", colour=charts.GSS_PALETTE[3]))),
        q.summary, q.totals, "rows quarantined by rule",
        caption="The rule codes are explained in the rule catalogue below.")
    ui.data_table(q.by_file, "quarantine by file and rule")

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
            ui.data_table(vm.quarantine_rows(rows), "quarantined rows")

# --- the contract --------------------------------------------------------------------------------
st.header("Data dictionary")
st.write("Every column of every export the dashboard reads: its type, whether it is required, what it means, and "
         "the other column headings accepted for it (headings are matched ignoring case, spaces and punctuation).")
ui.data_table(vm.data_dictionary(), "data dictionary")

st.header("Rule catalogue")
st.write("Every rule a row is checked against, with the code stored in the quarantine and the message given.")
ui.data_table(vm.rule_catalogue(), "rule catalogue")

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

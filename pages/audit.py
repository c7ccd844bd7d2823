from sg_data.frame import frame

frame()

import datetime as dt  # noqa: E402

import streamlit as st  # noqa: E402

from sg_data import frame as app, ui  # noqa: E402
from sg_data.views import audit_trail as vm  # noqa: E402

st.title("Audit trail")
if not app.sees_rows():  # the navigation offers this page to officers only; a typed address gets this
    st.info("The audit trail is for officers only: it is not shown in the Scrutiny view.")
    st.stop()

st.write("Who used the dashboard and the command line, when, in which view and with which filters: every page "
         "view, filter change, download, briefing, load, publish and purge. The trail never holds a figure or a "
         "concern's details. It is kept beside the store, owner-only, and can only be added to.")
since = st.date_input("From", value=dt.date.today() - dt.timedelta(days=30), key="audit_since",
                      help="Show entries from this day on (UTC).")
app.audit("audit_view", page="audit")
trail = vm.trail(app.db_path(), since)
st.markdown(ui.escape(vm.summary(trail, since)))
if len(trail):
    ui.data_table(trail, f"audit trail from {since:%d %B %Y}")

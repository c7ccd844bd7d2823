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
# a choice of spans, not a date picker: the picker's day and month fields are smaller than WCAG 2.2's 24 px targets
span = st.selectbox("Show the last", list(vm.SPANS), index=1, key="audit_span", help="Entries from this many days "
                    "ago (UTC) to now.")
since = dt.date.today() - dt.timedelta(days=vm.SPANS[span])
app.audit("audit_view", page="audit")
trail = vm.trail(app.db_path(), since)
st.markdown(ui.escape(vm.summary(trail, since)))
if len(trail):
    ui.data_table(trail, f"audit trail from {since:%d %B %Y}")

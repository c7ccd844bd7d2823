from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import frame as app, store, ui  # noqa: E402
from sg_data.views import reference as vm  # noqa: E402

REPORT = "_sg_reference_report"

st.title("Reference tables")
if not app.sees_rows():  # the navigation offers this page to officers only; a typed address gets this
    st.info("The reference tables are kept by officers: they are not offered in the Scrutiny view.")
    st.stop()

st.write("Each quarter's exports can bring a category the council has not mapped to a statutory category, a "
         "service under a new name, or a referral destination typed into the concern system. Map them here rather "
         "than editing the CSVs: what you decide is loaded as a categories, services or destinations export is, "
         "through the same rules, and the figures use it at once. The Scrutiny view and the open data name only "
         "what these tables name, so free text typed into an export never reaches them.")
if st.session_state.get(REPORT):
    st.success("The mappings were loaded. The report:")
    st.code(st.session_state.pop(REPORT), language=None)
categories, services, destinations = vm.split(app.get("reference_gaps"))
st.markdown(ui.escape(vm.work_words(categories, services, destinations)))

chosen_categories, chosen_services, named_destinations = {}, {}, []
if len(categories):
    st.header("Categories without a statutory category")
    ui.data_table(vm.gap_table(categories, "Category"), "categories without a statutory category")
    for name in categories["value"]:
        left, right = st.columns([3, 1])
        statutory = left.selectbox(f"Statutory category for {ui.escape(name)}", [vm.NOT_YET, *vm.STATUTORY],
                                   key=f"statutory-{name}")
        group = right.selectbox(f"Child or adult: {ui.escape(name)}", vm.SUBJECT_GROUPS, key=f"group-{name}",
                                format_func=lambda g: g or "(either)")
        chosen_categories[name] = (statutory, group)
if len(services):
    st.header("Services the services table does not name")
    ui.data_table(vm.gap_table(services, "Service"), "services the services table does not name")
    current = vm.current_services(app.service_list(), services)
    for name in services["value"]:
        chosen_services[name] = st.selectbox(f"{ui.escape(name)} reports under", [vm.NOT_YET, vm.OWN, *current],
                                             key=f"alias-{name}")

if len(destinations):
    st.header("Referral destinations the publication does not name")
    st.write("Name a destination only if it is an agency or team, never a person or anything that identifies one.")
    ui.data_table(vm.gap_table(destinations, "Referred to"), "referral destinations the publication does not name")
    for name in destinations["value"]:
        if st.checkbox(f"Name {ui.escape(name)} in the publication", key=f"destination-{name}"):
            named_destinations.append(name)

rows = vm.category_rows(chosen_categories), vm.service_rows(chosen_services), vm.destination_rows(named_destinations)
if (len(categories) or len(services) or len(destinations)) and st.button(
        "Load these mappings into the store", type="primary", disabled=not any(rows), key="reference_save"):
    with st.status("Loading the mappings...", expanded=True) as status:
        bar = st.progress(0.0)
        try:
            report = vm.save(*rows, app.db_path(), lambda message, f: bar.progress(min(max(f, 0.0), 1.0),
                                                                                   text=message))
        except (store.StoreError, OSError) as exc:
            status.update(label="Nothing was loaded.", state="error")
            st.error(f"Nothing was loaded: {ui.escape(exc)}")
            st.stop()
        status.update(label="Loaded.", state="complete")
    for r in report.files:
        app.audit("reference_save", page="reference", detail={"file": r.file, "kind": r.kind, "outcome": r.status})
    st.session_state[REPORT] = report.text()
    st.rerun()  # the lists above from the new store

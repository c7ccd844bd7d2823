from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import frame as app, store, ui  # noqa: E402
from sg_data.views import imports as vm  # noqa: E402

STAGING, ROUND, REPORT = "_sg_import_staging", "_sg_import_round", "_sg_import_report"

st.title("Imports")
if not app.sees_rows():  # the navigation offers this page to officers only; a typed address gets this
    st.info("Imports are for officers only: they are not offered in the Scrutiny view.")
    st.stop()

st.write("Upload your systems' exports (CSV or Excel .xlsx), check how each one's columns map to the data contract, "
         "preview what would be stored and quarantined, then load them into the store, as "
         "`python -m sg_data load` does. A confirmed mapping can be saved as a profile so that next quarter's files "
         "are recognised without asking.")
if st.session_state.get(REPORT):
    st.success("The last load finished. Its report:")
    st.code(st.session_state[REPORT], language=None)

saved, trouble = vm.saved_profiles()
st.subheader("Saved profiles")
if trouble:
    st.error(ui.escape(trouble))
st.markdown("\n".join(f"- {ui.escape(line)}" for line in vm.saved_lines(saved)) or "No profile is saved yet.")

if STAGING not in st.session_state:
    st.session_state[STAGING] = vm.Staging()
staging = st.session_state[STAGING]
uploads = st.file_uploader("Export files to load (CSV or Excel .xlsx)", type=["csv", "xlsx"],
                           accept_multiple_files=True, key=f"import_files_{st.session_state.get(ROUND, 0)}",
                           max_upload_size=vm.MAX_MB, help=f"Up to {vm.MAX_MB} MB each. Each file is checked by "
                           "its content; names, dates of birth and other identity columns are never stored.")


def mapping_step(staged: vm.Staged):
    """The proposed mapping, a person's choice for each column, and the profile it makes (or None)."""
    s, key = staged.suggestion, staged.name
    start = vm.proposed(s)
    ui.data_table(vm.mapping_table(s), f"proposed mapping of {staged.name}")
    unmapped = vm.unmapped_table(s)
    if len(unmapped):
        ui.data_table(unmapped, f"headings of {staged.name} not mapped")
    if s.for_a_person:
        st.markdown("**Left for a person to decide:**\n" + "\n".join(f"- {ui.escape(x)}" for x in s.for_a_person))
    m = vm.Mapping()
    for name, options in vm.choices(s).items():
        required = " (required)" if name in s.kind.required else ""
        m.sources[name] = st.selectbox(f"Heading for {name}{required}", options,
                                       index=options.index(start.sources[name]), key=f"map-{key}-{name}")
        if m.sources[name] == vm.FIXED:
            m.fixed[name] = st.text_input(f"Fixed value for {name}", start.fixed.get(name, ""),
                                          key=f"fixed-{key}-{name}")
    if s.date_order is None and vm.dated(s, m):
        st.warning(f"**Date order not decided.** {ui.escape(s.date_why)}. Choose it below.")
    orders = [vm.CHOOSE, "day-first", "month-first", "iso"]
    m.date_order = st.selectbox("Date order of this file's dates", orders, key=f"order-{key}",
                                index=orders.index(s.date_order) if s.date_order else 0)
    m.name = st.text_input("Profile name", start.name, key=f"name-{key}", max_chars=200)
    m.files = st.text_input("File name patterns it recognises (comma-separated)", start.files, key=f"files-{key}",
                            max_chars=500)
    profile, text, wrong = vm.confirm(s, m, staged.name)
    if wrong:
        st.error(f"**Not ready to load:** {ui.escape(wrong)}")
    return profile, text


ready = []
for i, upload in enumerate(uploads or [], start=1):
    known = len(staging.files)
    staged = staging.add(upload.name, upload.getvalue(), saved)
    if len(staging.files) > known:
        app.audit("import_upload", page="imports", detail=vm.upload_detail(staged))
    st.subheader(f"{i}. {ui.escape(staged.given)}")
    if staged.name != staged.given:
        st.caption(f"Stored for loading as {ui.escape(staged.name)}.")
    if staged.ask_kind:
        kind = st.selectbox(f"Which export is {ui.escape(staged.name)}?", [vm.CHOOSE, *vm.kinds()], key=f"kind-{staged.name}")
        if kind != vm.CHOOSE:
            vm.recognise(staged, saved, kind)
    if staged.problem:
        st.error(ui.escape(staged.how()))
        continue
    st.markdown(ui.escape(staged.how()))
    profile, text = (mapping_step(staged) if staged.needs_mapping else (staged.saved, ""))
    if staged.needs_mapping and profile is None:
        continue
    shown = staging.preview(staged, profile)
    st.markdown(f"**Preview.** {ui.escape(vm.preview_summary(shown))}")
    if len(shown.stored):
        ui.data_table(shown.stored, f"first rows of {staged.name} as stored")
    if len(shown.quarantine):
        ui.data_table(shown.quarantine, f"rows of {staged.name} that would be quarantined")
    ready.append((staged, profile))
    if staged.needs_mapping:
        replace = st.checkbox("Replace the saved profile of that name", key=f"replace-{staged.name}")
        if st.button(f"Save the profile '{ui.escape(profile.name)}'", key=f"save-{staged.name}"):
            done, message = vm.save(text, profile.name, replace=replace)
            (st.success if done else st.error)(ui.escape(message))
            if done:
                app.audit("profile_save", page="imports", detail={"file": profile.file, "kind": profile.kind,
                                                                  "outcome": "replaced" if replace else "saved"})

if ready and st.button(f"Load {len(ready)} file{'s' if len(ready) != 1 else ''} into the store", type="primary",
                       key="import_load"):
    with st.status("Loading...", expanded=True) as status:
        bar = st.progress(0.0)
        try:
            report = vm.load(ready, app.db_path(), lambda message, f: bar.progress(min(max(f, 0.0), 1.0),
                                                                                    text=message))
        except (store.StoreError, OSError) as exc:
            status.update(label="Nothing was loaded.", state="error")
            st.error(f"Nothing was loaded: {ui.escape(exc)}")
            st.stop()
        status.update(label="Loaded." if report.ok else "Loaded; some files were rejected (see the report).",
                      state="complete")
    st.code(report.text(), language=None)
    for r in report.files:
        app.audit("import_load", page="imports", detail={"file": r.file, "kind": r.kind, "outcome": r.status})
    st.session_state[REPORT] = report.text()
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    staging.close()
    del st.session_state[STAGING]

from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

from sg_data import glossary, ui  # noqa: E402
from sg_data.stats import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED  # noqa: E402

st.title("Definitions")
st.write("What each figure on the dashboard means, in plain words. The wording follows the council's metric "
         "definitions; every page shows the definitions of its figures beside them, and the briefing prints the "
         "same wording in its appendix.")

areas = list(dict.fromkeys(t.area for t in glossary.TERMS))
links = [f"[{area}](#{ui.slug(area)})" for area in areas] + ["[Symbols](#symbols-used)"]
st.markdown("**Areas:** " + " · ".join(links))

for area in areas:
    st.header(area, anchor=ui.slug(area))
    for term in (t for t in glossary.TERMS if t.area == area):
        st.subheader(term.name, anchor=ui.slug(term.key))
        st.markdown(term.definition)

st.header("Symbols", anchor="symbols-used")
st.write("Where a figure cannot be shown, the dashboard, its tables and its downloads use the Government "
         "Statistical Service symbols, in square brackets so that screen readers read them:")
st.markdown(f"- **{SUPPRESSED}** confidential: hidden to protect individuals (a count from 1 to 5, or a figure that "
            "would let someone work one out). Used in the Scrutiny view and everything published.\n"
            f"- **{NOT_AVAILABLE}** not available: the figure was not recorded or cannot be worked out.\n"
            f"- **{NOT_APPLICABLE}** not applicable: for example a share of nothing (0 of 0).")

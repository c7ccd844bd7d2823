"""The benchmark's baseline: a trivial Streamlit page with one Altair chart (what a page costs at the least)."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("Baseline")
st.altair_chart(alt.Chart(pd.DataFrame({"x": ["a", "b", "c"], "y": [1, 3, 2]})).mark_bar().encode(x="x", y="y"))

from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

st.title("Staff survey")

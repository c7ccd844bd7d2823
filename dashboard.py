"""The safeguarding trends dashboard: the frame (navigation and shared filters) over pages/.

    streamlit run dashboard.py

On a fresh clone it builds the store from sample_data/ on first start; SG_DB
points it at a real store and SG_VIEW=scrutiny runs the Scrutiny view.
"""

from sg_data import frame

frame.run(frame.navigation())

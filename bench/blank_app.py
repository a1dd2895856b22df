"""The floor for browser latency: a Streamlit app with one slider and nothing else."""

import streamlit as st

st.slider("x", 0, 100, 50)

"""A second reference for browser latency: one slider and one small Plotly chart that the
slider changes (a 200-point sine line). Streamlit remounts a chart whose data changed, so this
is the least any page pays for a nudge that redraws one chart."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

k = st.slider("x", 0, 100, 50)
x = np.linspace(0.0, 10.0, 200)
fig = go.Figure(go.Scatter(x=x, y=np.sin(x * (1 + k / 50))))
st.plotly_chart(fig, key="line")

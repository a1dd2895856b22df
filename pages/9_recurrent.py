"""Gradients through time: RNN, LSTM, GRU, and residual connections through depth."""

from __future__ import annotations

import streamlit as st

from ui.frame import page_frame
from ui.widgets import explain

tr = page_frame("recurrent")
explain("recurrent/intro")

# 1. Vanishing and exploding through time (helper "vanishing") --------------------------------
st.header(tr("rnn.sec.vanishing"))

# 2. The LSTM's cell state and the GRU (helper "gates") ----------------------------------------
st.header(tr("rnn.sec.gates"))

# 3. A memory task trained live (helper "memory") ----------------------------------------------
st.header(tr("rnn.sec.memory"))

# 4. Parameter counts (helper "vanishing") -----------------------------------------------------
st.header(tr("rnn.sec.params"))

# 5. Residual connections through depth (helper "residual") ------------------------------------
st.header(tr("rnn.sec.residual"))

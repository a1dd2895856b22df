"""Gradients through time: RNN, LSTM, GRU, and residual connections through depth."""

from __future__ import annotations

import streamlit as st

from ui import cache, heavy, state
from ui.frame import page_frame
from ui.snippets import recurrent as snippets
from ui.topics.recurrent import CONTROLS, PRESETS, gates
from ui.widgets import chart, explain, in_pytorch, side_by_side

tr = page_frame("recurrent")
explain("recurrent/intro")

# 1. Vanishing and exploding through time (helper "vanishing") --------------------------------
st.header(tr("rnn.sec.vanishing"))

# 2. The LSTM's cell state and the GRU (helper "gates") ----------------------------------------
gate_experiment = cache.computation(max_entries=16)(heavy.gated(gates.cost)(gates.experiment))


@cache.chart(max_entries=16)
def gate_charts(*settings, tr):
    return gates.charts(gate_experiment(*settings), tr)


@st.fragment
def section_gates() -> None:
    boxes, drawn = iter(st.columns(5) + st.columns(4)), {}
    for key in gates.KEYS:
        hi = drawn["gt"] if key in gates.SPIKE_KEYS else CONTROLS[key].hi
        fit = {"hi": hi, "default": min(CONTROLS[key].default, hi)}
        drawn[key] = state.draw(CONTROLS[key], where=next(boxes), **fit)
    state.check_undrawn({key: CONTROLS[key] for key in gates.KEYS})
    for name, box in zip(gates.PRESET_NAMES, st.columns(len(gates.PRESET_NAMES)), strict=True):
        look = {"args": (PRESETS[name],), "help": tr(f"rnn.gate.preset.{name}_help")}
        box.button(tr(f"rnn.gate.preset.{name}"), on_click=state.apply, width="stretch", **look)
    settings = tuple(drawn.values())
    try:
        g = gate_experiment(*settings)
        time_fig, lstm_fig, gru_fig, trace_fig = gate_charts(*settings)
    except heavy.Busy:
        st.warning(tr("rnn.gate.wait.busy"))
        return
    st.subheader(tr("rnn.gate.sub.time"))
    chart(time_fig, key="gate_time")
    st.markdown(gates.fade_words(g, tr))
    explain("recurrent/gate_time")
    st.subheader(tr("rnn.gate.sub.gates"))
    side_by_side((lstm_fig, gru_fig), ("gate_lstm", "gate_gru"))
    chart(trace_fig, key="gate_trace")
    st.markdown(gates.trace_words(g, tr))
    explain("recurrent/gate_look")
    left, right = st.columns(2)
    explain("recurrent/gate_lstm", where=left)
    explain("recurrent/gate_gru", where=right)
    in_pytorch(snippets.gates, state.values(CONTROLS))


st.header(tr("rnn.sec.gates"))
section_gates()

# 3. A memory task trained live (helper "memory") ----------------------------------------------
st.header(tr("rnn.sec.memory"))

# 4. Parameter counts (helper "vanishing") -----------------------------------------------------
st.header(tr("rnn.sec.params"))

# 5. Residual connections through depth (helper "residual") ------------------------------------
st.header(tr("rnn.sec.residual"))

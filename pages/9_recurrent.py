"""Gradients through time: RNN, LSTM, GRU, and residual connections through depth."""

from __future__ import annotations

import streamlit as st

from core import sequence_tasks as tasks
from ui import cache, heavy, state
from ui.figures import rnn_memory
from ui.frame import page_frame
from ui.topics.recurrent import memory
from ui.widgets import chart, explain, side_by_side

tr = page_frame("recurrent")
explain("recurrent/intro")

# 1. Vanishing and exploding through time (helper "vanishing") --------------------------------
st.header(tr("rnn.sec.vanishing"))

# 2. The LSTM's cell state and the GRU (helper "gates") ----------------------------------------
st.header(tr("rnn.sec.gates"))

# 3. A memory task trained live (helper "memory") ----------------------------------------------
mem_train = cache.computation(max_entries=8)(heavy.gated(tasks.cost)(tasks.train))
mem_sweep = cache.computation(max_entries=4)(heavy.gated(tasks.sweep_cost)(tasks.sweep))


@cache.chart(max_entries=8)
def mem_charts(task, length, hidden, lr, updates, max_norm, seed, tr):
    x, f = mem_train(task, length, hidden, lr, updates, max_norm, seed), rnn_memory
    said = memory.text(memory.result_words(x), tr)
    return (f.fig_loss(x, tr), f.fig_accuracy(x, tr)), said


@cache.chart(max_entries=4)
def mem_sweep_chart(task, hidden, lr, updates, max_norm, seed, tr):
    s = mem_sweep(task, hidden, lr, updates, max_norm, seed)
    return rnn_memory.fig_sweep(s, tr), memory.text(memory.sweep_words(s), tr)


@st.fragment
def section_memory() -> None:
    for name, box in zip(memory.PRESET_NAMES, st.columns(len(memory.PRESET_NAMES)), strict=True):
        look = {"args": (memory.PRESETS[name],), "help": tr(f"rnn.mem.preset.{name}_help")}
        box.button(tr(f"rnn.mem.preset.{name}"), on_click=state.apply, width="stretch", **look)
    boxes = [*st.columns([3, 2, 2]), *st.columns(4)]
    values = {
        k: state.draw(memory.TABLE[k], where=b) for k, b in zip(memory.KEYS, boxes, strict=True)
    }
    state.check_undrawn(memory.TABLE)
    args, at = memory.settings(values), memory.sweep_settings(values)
    swept = st.session_state.setdefault("mem_swept", set())
    try:
        with st.spinner(tr("rnn.mem.training")):
            curves, said = mem_charts(*args)
        side_by_side(curves, ("mem_loss", "mem_accuracy"))
        st.markdown(said)
        explain("recurrent/mem_curves")
        st.subheader(tr("rnn.mem.sub_sweep"))
        explain("recurrent/mem_sweep")
        if st.button(tr("rnn.mem.sweep_button"), help=tr("rnn.mem.sweep_intro"), key="mem_go"):
            swept.add(at)
        if at in swept:
            with st.spinner(tr("rnn.mem.sweep_training")):
                figure, said = mem_sweep_chart(*at)
            chart(figure, key="mem_sweep")
            st.markdown(said)
    except heavy.Busy:
        st.warning(tr("rnn.mem.busy"))


st.header(tr("rnn.sec.memory"))
explain("recurrent/mem_intro")
section_memory()

# 4. Parameter counts (helper "vanishing") -----------------------------------------------------
st.header(tr("rnn.sec.params"))

# 5. Residual connections through depth (helper "residual") ------------------------------------
st.header(tr("rnn.sec.residual"))

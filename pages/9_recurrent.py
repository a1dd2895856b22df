"""Gradients through time: RNN, LSTM, GRU, and residual connections through depth."""

from __future__ import annotations

import streamlit as st

from core import residual
from ui import cache, heavy, i18n, state
from ui.figures import rnn_residual as res_figures
from ui.frame import page_frame
from ui.snippets import recurrent as snippets
from ui.topics.recurrent import CONTROLS
from ui.topics.recurrent import residual as res_topic
from ui.widgets import chart, explain, in_pytorch, side_by_side

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
res_results = cache.computation(max_entries=16)(heavy.gated(residual.cost)(res_topic.results))


@cache.chart(max_entries=16)
def res_charts(args, tr):
    c, s = res_results(*args)
    layers = tuple(res_figures.fig_layers(c, field, tr) for field in res_figures.FIELDS)
    return layers, res_figures.fig_sweep(s, tr), res_topic.sentences(c, s, tr)


@st.fragment
def section_residual() -> None:
    explain("recurrent/res_intro")
    for name, box in zip(res_topic.PRESETS, st.columns(len(res_topic.PRESETS)), strict=True):
        look = {"args": (res_topic.PRESETS[name],), "help": tr(f"rnn.res.preset.{name}_help")}
        look |= {"key": f"res_preset_{name}", "on_click": state.apply, "width": "stretch"}
        box.button(tr(f"rnn.res.preset.{name}"), **look)
    values = {}
    for row in res_topic.ROWS:
        boxes = st.columns(len(row))
        values |= {k: state.draw(CONTROLS[k], where=b) for k, b in zip(row, boxes, strict=True)}
    state.check_undrawn(res_topic.TABLE)
    try:
        layers, sweep_chart, say = res_charts(res_topic.args_of(values))
    except heavy.Busy:
        st.warning(tr("rnn.res.busy"))
        return
    if say["clipped"]:
        st.info(say["clipped"])
    side_by_side(layers, ("res_activation", "res_gradient"))
    st.markdown(say["gradient"])
    st.markdown(say["forward"])
    explain("recurrent/res_forward")
    chart(sweep_chart, key="res_sweep")
    st.markdown(say["sweep"])
    explain("recurrent/res_sweep")
    link = {"query_params": {"lang": i18n.current_lang()}, "icon": ":material/arrow_forward:"}
    st.page_link("pages/3_initialization.py", label=tr("rnn.res.link_init"), **link)
    st.page_link("pages/1_activations.py", label=tr("rnn.res.link_act"), **link)
    in_pytorch(snippets.depth_stacks, state.values(res_topic.TABLE))


st.header(tr("rnn.sec.residual"))
section_residual()

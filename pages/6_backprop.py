"""Backpropagation and loss functions: a graph stepped edge by edge, gates, scalars to layers."""

from __future__ import annotations

import streamlit as st

from core import autograd, loss_lessons
from ui import cache, i18n, state
from ui.figures import backprop as figures
from ui.frame import page_frame
from ui.snippets import backprop as snippets
from ui.topics import backprop as topic
from ui.topics.backprop import CONTROLS
from ui.widgets import chart, explain, in_pytorch, side_by_side

layers = cache.computation()(autograd.layers)
nielsen = cache.computation()(loss_lessons.nielsen_pair)
loss_charts = cache.chart()(topic.loss_charts)
nielsen_charts = cache.chart()(topic.nielsen_charts)
pairing_charts = cache.chart(max_entries=2)(topic.pairing_charts)
stability_charts = cache.chart(max_entries=4)(topic.stability_charts)


@cache.computation(max_entries=64)
def graph_of(kind, settings):
    """Section 1's graph (None where undefined) or section 2's pattern, from scalar settings."""
    return autograd.pattern(*settings) if kind == "pattern" else topic.graph(dict(settings))


@cache.chart(max_entries=64)
def graph_chart(kind, settings, frame, tr):
    return figures.fig_graph(graph_of(kind, settings), tr, frame)


@cache.chart()
def check_charts(kind, settings, tr):
    g = graph_of(kind, settings)
    return figures.fig_check_values(g, tr), figures.fig_check_error(g, tr)


@cache.chart()
def layer_charts(corner, loss, hidden, tr):
    view = layers(corner, loss, hidden)
    return figures.fig_layers(view, tr), figures.fig_outer(view, tr)


tr = page_frame("backprop")
explain("backprop/intro")

# 1. Step through a graph --------------------------------------------------------------------
st.header(tr("bp.sec.graph"))


@st.fragment
def section_graph() -> None:
    for name, box in zip(topic.GRAPH_PRESETS, st.columns(len(topic.GRAPH_PRESETS)), strict=True):
        look = {"args": (topic.PRESETS[name],), "help": tr(f"bp.graph.preset.{name}_help")}
        box.button(tr(f"bp.graph.preset.{name}"), on_click=state.apply, width="stretch", **look)
    v = {"bpg": state.draw(CONTROLS["bpg"])}
    if keys := topic.DRAWN_WITH.get(v["bpg"]):
        boxes = st.columns(len(keys))
        v |= {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=True)}
    settings = tuple(sorted(v.items()))
    g = graph_of("graph", settings)
    if g is None:
        st.warning(tr("bp.graph.undefined"))
        state.check_undrawn(CONTROLS)
        return
    frames = tuple(range(figures.frame_count(g)))  # it opens on the seed: forward pass done
    frame = state.draw(CONTROLS["bpstep"], options=frames, default=figures.seed_frame(g))
    state.check_undrawn(CONTROLS)
    chart(graph_chart("graph", settings, frame), key="bp_graph")
    words = figures.step_words(g, frame)
    st.markdown(tr("bp.graph.step", **words) if words else tr("bp.graph.no_step"))
    st.markdown(tr("bp.graph.output", **topic.output_words(g)))
    side_by_side(check_charts("graph", settings), ("bp_check", "bp_error"))
    explain("backprop/graph")
    in_pytorch(snippets.graph, state.values(CONTROLS))


section_graph()

# 2. Patterns of the gates -------------------------------------------------------------------
st.header(tr("bp.sec.gates"))


@st.fragment
def section_gates() -> None:
    left, right = st.columns([3, 2])
    name = state.draw(CONTROLS["bppat"], where=left)
    bug = state.draw(CONTROLS["bpbug"], where=right)
    show = {"args": (topic.PRESETS["fanout_bug"],), "icon": ":material/bug_report:"}
    right.button(tr("bp.gates.preset_bug"), on_click=state.apply, **show)
    g = graph_of("pattern", (name, not bug))
    chart(graph_chart("pattern", (name, not bug), None), key="bp_pattern")
    right = graph_of("pattern", (name, True))  # the sentence states the true gradients
    st.markdown(tr(f"bp.gates.say.{name}", **topic.pattern_words(right)))
    if bug:
        key = topic.bug_key(g)
        (st.warning if key == "bp.gates.bug_on" else st.info)(tr(key, **topic.pattern_words(g)))
    side_by_side(check_charts("pattern", (name, not bug)), ("bp_pattern_check", "bp_pattern_error"))
    explain("backprop/gates")
    in_pytorch(snippets.gates, state.values(CONTROLS))


section_gates()

# 3. From scalars to layers ------------------------------------------------------------------
st.header(tr("bp.sec.layers"))


@st.fragment
def section_layers() -> None:
    keys = ("bpmloss", "bpmact", "bpmex")
    v = {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, st.columns(3), strict=True)}
    settings = topic.corner(v["bpmex"]), v["bpmloss"], v["bpmact"]
    view = layers(*settings)
    side_by_side(layer_charts(*settings), ("bp_layers", "bp_outer"))
    st.markdown(tr("bp.layers.agree", **topic.layer_words(view)))
    explain("backprop/layers")
    link = {"label": tr("bp.layers.link"), "query_params": {"lang": i18n.current_lang()}}
    in_pytorch(snippets.layers, state.values(CONTROLS))
    st.page_link("pages/1_activations.py", icon=":material/arrow_forward:", **link)


section_layers()

# 4. Loss functions
st.header(tr("bp.loss.sec.losses"))
explain("backprop/losses")


@st.fragment
def section_losses() -> None:
    keys, boxes = topic.LOSS_KEYS, st.columns(3)
    v = {k: state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=True)}
    side_by_side(loss_charts(*v.values()), ("bl_loss", "bl_grad"))
    st.markdown(tr("bp.loss.say.saturation", **topic.saturation_words(v["bly"], v["blconv"])))
    explain("backprop/saturation")
    in_pytorch(snippets.curves, state.values(CONTROLS))


section_losses()
st.subheader(tr("bp.loss.sec.nielsen"))


@st.fragment
def section_nielsen() -> None:
    for name, column in zip(topic.LOSS_PRESETS, st.columns(len(topic.LOSS_PRESETS)), strict=True):
        preset = {"args": (topic.PRESETS[name],), "width": "stretch"}
        column.button(tr(f"bp.loss.preset.{name}"), on_click=state.apply, **preset)
    boxes = st.columns(len(topic.NIELSEN_KEYS))
    v = [state.draw(CONTROLS[k], where=b) for k, b in zip(topic.NIELSEN_KEYS, boxes, strict=True)]
    side_by_side(nielsen_charts(*v), ("bl_nielsen_loss", "bl_nielsen_weights"))
    st.markdown(tr("bp.loss.say.nielsen", **topic.nielsen_words(nielsen(*v))))
    explain("backprop/nielsen")
    in_pytorch(snippets.nielsen, state.values(CONTROLS))


section_nielsen()

# 5. Which output for which task -------------------------------------------------------------
st.header(tr("bp.loss.sec.pairing"))
explain("backprop/pairing")
side_by_side(pairing_charts(), ("bl_regression", "bl_softmax"))
in_pytorch(snippets.pairing, {})  # no settings: one script

# 6. Numerical stability ---------------------------------------------------------------------
st.header(tr("bp.loss.sec.stability"))


@st.fragment
def section_stability() -> None:
    stable, rows, lse = stability_charts(state.draw(CONTROLS["blsy"]))
    side_by_side((stable, lse), ("bl_stability", "bl_lse"))
    st.markdown(tr("bp.loss.say.table"))
    st.dataframe(rows, hide_index=True)
    explain("backprop/stability")
    in_pytorch(snippets.stability, state.values(CONTROLS))


section_stability()

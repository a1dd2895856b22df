"""Gradients through time: RNN, LSTM, GRU, and residual connections through depth."""

from __future__ import annotations

import streamlit as st

from core import residual
from core import sequence_tasks as tasks
from ui import cache, heavy, i18n, state
from ui.figures import rnn_memory
from ui.figures import rnn_residual as res_figures
from ui.frame import page_frame
from ui.snippets import recurrent as snippets
from ui.topics.recurrent import CONTROLS, PRESETS, gates, memory
from ui.topics.recurrent import residual as res_topic
from ui.topics.recurrent import vanishing as van
from ui.widgets import chart, explain, in_pytorch, side_by_side

tr = page_frame("recurrent")
explain("recurrent/intro")

# 1. Vanishing and exploding through time (helper "vanishing") --------------------------------
van_time = cache.computation()(van.through_time)
van_clipped = cache.computation()(van.clipped)
van_count_chart = cache.chart()(van.count_chart)


@cache.chart()
def van_time_charts(*values, tr):
    return van.through_time_charts(van_time(*values), tr)


@cache.chart()
def van_clip_chart(*values, tr):
    return van.clipping_chart(van_clipped(*values), tr)


def van_controls(keys, columns):
    boxes = [b for i in range(0, len(keys), columns) for b in st.columns(columns)]
    return [state.draw(CONTROLS[k], where=b) for k, b in zip(keys, boxes, strict=False)]


def van_presets(names):
    for name, box in zip(names, st.columns(len(names)), strict=True):
        look = {"args": (van.PRESETS[name],), "help": tr(f"rnn.van.preset.{name}_help")}
        box.button(tr(f"rnn.van.preset.{name}"), on_click=state.apply, width="stretch", **look)


def van_values(*keys):  # only this section's settings: another section's nudge rebuilds nothing
    return state.values({k: CONTROLS[k] for k in keys})


def van_say(notes):
    for key, words in notes:
        st.markdown(tr(key, **words))


@st.fragment
def section_vanishing() -> None:
    van_presets(list(van.VAN_PRESETS))
    values = van_controls(van.VAN_KEYS, 4)
    st.latex(van.formula_latex())
    side_by_side(van_time_charts(*values), ("van_norms", "van_derivative"))
    van_say(van.through_time_words(van_time(*values)))
    explain("recurrent/van_product")
    in_pytorch(snippets.van_through_time, van_values(*van.VAN_KEYS))
    st.subheader(tr("rnn.van.clip_title"))
    max_norm = state.draw(CONTROLS["vclip"])
    state.check_undrawn({k: CONTROLS[k] for k in (*van.VAN_KEYS, "vclip")})
    chart(van_clip_chart(*values, max_norm), key="van_clipping")
    van_say(van.clipping_words(van_clipped(*values, max_norm)))
    explain("recurrent/van_clipping")
    in_pytorch(snippets.van_clipping, van_values(*van.VAN_KEYS, "vclip"))


st.header(tr("rnn.sec.vanishing"))
explain("recurrent/van_intro")
section_vanishing()

# 2. The LSTM's cell state and the GRU (helper "gates") ----------------------------------------
gate_experiment = cache.computation(max_entries=16)(heavy.gated(gates.cost)(gates.experiment))


@cache.chart(max_entries=16)
def gate_charts(*settings, tr):
    return gates.charts(gate_experiment(*settings), tr)


@st.fragment
def section_gates() -> None:
    for name, box in zip(gates.PRESET_NAMES, st.columns(len(gates.PRESET_NAMES)), strict=True):
        look = {"args": (PRESETS[name],), "help": tr(f"rnn.gate.preset.{name}_help")}
        box.button(tr(f"rnn.gate.preset.{name}"), on_click=state.apply, width="stretch", **look)
    boxes, drawn = iter(st.columns(5) + st.columns(4)), {}
    for key in gates.KEYS:
        hi = drawn["gt"] if key in gates.SPIKE_KEYS else CONTROLS[key].hi
        fit = {"hi": hi, "default": min(CONTROLS[key].default, hi)}
        drawn[key] = state.draw(CONTROLS[key], where=next(boxes), **fit)
    state.check_undrawn({key: CONTROLS[key] for key in gates.KEYS})
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
mem_train = cache.computation(max_entries=8)(heavy.gated(tasks.cost)(tasks.train))
mem_sweep = cache.computation(max_entries=4)(heavy.gated(tasks.sweep_cost)(tasks.sweep))


@cache.chart(max_entries=4)
def mem_sweep_chart(task, hidden, lr, updates, max_norm, seed, tr):
    s = mem_sweep(task, hidden, lr, updates, max_norm, seed)
    return rnn_memory.fig_sweep(s, tr), memory.text(memory.sweep_words(s), tr)


@st.fragment
def section_memory() -> None:
    for name, box in zip(memory.PRESET_NAMES, st.columns(len(memory.PRESET_NAMES)), strict=True):
        look = {"args": (memory.PRESETS[name], st.session_state), "width": "stretch"}
        look |= {"help": tr(f"rnn.mem.preset.{name}_help"), "on_click": memory.preset}
        box.button(tr(f"rnn.mem.preset.{name}"), **look)
    boxes = [*st.columns([3, 2, 2]), *st.columns(4)]
    values = {
        k: state.draw(memory.TABLE[k], where=b) for k, b in zip(memory.KEYS, boxes, strict=True)
    }
    state.check_undrawn(memory.TABLE)
    args, at = memory.settings(values), memory.sweep_settings(values)
    swept, run = st.session_state.setdefault("mem_swept", set()), memory.RUN_KEY
    look = {"help": tr("rnn.mem.train_help"), "type": "primary", "icon": ":material/play_arrow:"}
    pressed = st.button(tr("rnn.mem.train_button"), key="mem_train", **look)
    try:
        if memory.to_train(st.session_state, pressed):
            with st.spinner(tr("rnn.mem.training")):
                st.session_state[run] = (values, mem_train(*args))
        kept, x = st.session_state[run]  # the run shown: its settings (the snippet's) and data
        if kept != values:
            st.info(tr("rnn.mem.stale", **memory.stale_words(kept, tr)), icon=":material/replay:")
        curves, said = memory.charts(x, tr)
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
        in_pytorch(snippets.mem_task, snippets.mem_values(kept, x))  # the shown run's, no training
    except heavy.Busy:
        st.warning(tr("rnn.mem.busy"))


st.header(tr("rnn.sec.memory"))
explain("recurrent/mem_intro")
section_memory()


# 4. Parameter counts (helper "vanishing") -----------------------------------------------------
@st.fragment
def section_params() -> None:
    van_presets(list(van.PAR_PRESETS))
    values = van_controls(van.PAR_KEYS, 3)  # two rows of three: six columns cut the labels
    state.check_undrawn({k: CONTROLS[k] for k in van.PAR_KEYS})
    kind, i, h, _, bias, _ = values
    st.latex(van.count_latex(kind, i, h, bias))
    left, right = st.columns([3, 2])
    left.table(van.count_rows(*values, tr))
    chart(van_count_chart(*values), key="par_counts", where=right)
    st.markdown(tr("rnn.par.say.counts", **van.count_words(*values)))
    explain("recurrent/par_counts")
    in_pytorch(snippets.par_counts, van_values(*van.PAR_KEYS))


st.header(tr("rnn.sec.params"))
section_params()

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

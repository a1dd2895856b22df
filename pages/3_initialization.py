"""Weight initialization: activations and gradients through depth, symmetry, does it train?"""

from __future__ import annotations

import contextlib

import streamlit as st

from core import initialization
from ui import cache, state
from ui.figures import initialization as figures
from ui.frame import page_frame
from ui.heavy import Busy, cpu_budget, gated, slot
from ui.snippets import initialization as snippets
from ui.state import draw
from ui.topics import initialization as topic
from ui.topics.initialization import CONTROLS, PRESETS
from ui.widgets import chart, explain, in_pytorch, side_by_side

# --- calls into core, keyed on scalars -----------------------------------------------------------


@cache.computation(max_entries=16)
@gated(topic.propagate_cost)
def run(scheme: str, act: str, depth: int, width: int, batch: int, seed: int, bn: bool):
    # Histograms only of the layers the small multiples show (they cost more than the pass).
    return initialization.propagate_with_histograms(
        scheme, act, depth, width, batch, seed, bn, layers=topic.layer_picks(depth)
    )


@cache.computation(max_entries=32)
def predicted(scheme: str, act: str, depth: int, width: int):
    return initialization.predicted_std(scheme, act, depth, width)


@cache.computation(max_entries=16)
def symmetry(steps: int, lr: float, seed: int) -> initialization.SymmetryExperiment:
    return initialization.symmetry_experiment(steps, lr, seed)


@cache.computation(max_entries=32)
@gated(topic.train_cost)
def deep(scheme, act, depth, width, steps, lr, seed, bn, _stop=None) -> initialization.DeepRun:
    # _stop is not part of the cache key (a leading underscore): the CPU budget of this call.
    stop = cpu_budget(topic.TRAIN_CPU_SECONDS) if _stop is None else _stop
    return initialization.train_deep(scheme, act, depth, width, steps, lr, seed, bn, stop)


# --- the charts, built once per setting and language ---------------------------------------------


@cache.chart(max_entries=16)
def histogram_chart(schemes, net, kind, tr):
    data = {s: figures.Histograms.of(run(s, *net), kind) for s in schemes}
    return figures.fig_histograms(data, topic.layer_picks(depth=net[1]), kind, tr)


@cache.chart(max_entries=16)
def depth_charts(schemes, net, tr):
    act, depth, width, *_, bn = net

    def curves(tables):
        return {s: figures.Curves.of(t) for s, t in zip(schemes, tables, strict=True)}

    measured = curves(run(s, *net).table for s in schemes)
    theory = None if bn else curves(predicted(s, act, depth, width) for s in schemes)
    faint = curves(run(s, *net[:-1], False).table for s in schemes) if bn else None
    return figures.fig_std_depth(range(1, depth + 1), measured, theory, faint, tr)


@cache.chart(max_entries=16)
def symmetry_charts(steps, lr, seed, tr):
    return figures.fig_symmetry(symmetry(steps, lr, seed), tr)


@cache.chart(max_entries=16)
def training_charts(schemes, *settings, tr):
    return figures.fig_training_runs({s: deep(s, *settings) for s in schemes}, tr)


# --- the page ------------------------------------------------------------------------------------


def columns_of(*keys: str) -> list:
    """The controls `keys` drawn side by side, one column each; their values."""
    columns = st.columns(len(keys))
    return [draw(CONTROLS[key], where=c) for key, c in zip(keys, columns, strict=True)]


tr = page_frame("initialization")
explain("initialization/intro")

st.markdown(f"**{tr('init.sec.presets')}**")
for (preset, values), column in zip(PRESETS.items(), st.columns(len(PRESETS)), strict=True):
    words = {"help": tr(f"init.preset.{preset}_help"), "on_click": state.apply, "args": (values,)}
    column.button(tr(f"init.preset.{preset}"), key=f"preset_{preset}", width="stretch", **words)

with st.container(border=True):
    top = st.columns([3, 1.2, 1])
    schemes = draw(CONTROLS["schemes"], where=top[0])
    act = draw(CONTROLS["act"], where=top[1])
    top[2].write("")  # aligns the toggle with the boxes' inputs
    bn = draw(CONTROLS["bn"], where=top[2])
    depth_asked, width, batch_asked, seed = columns_of("depth", "width", "batch", "seed")

depth, batch, capped = topic.affordable_network(depth_asked, width, batch_asked)
for key, fields in capped:
    st.info(tr(key, **fields))

if not schemes:
    st.info(tr("init.pick_one"))
    st.stop()

net = (act, depth, width, batch, seed, bn)  # the network the top sections draw
# A heavy section holds ui.heavy's one slot from its core calls to its charts' drawing (figure
# JSON is Python work under the GIL too).
pass_cost = topic.passes_cost(schemes, *net)


def hold(cost: tuple[float, float], where: object = st) -> contextlib.ExitStack | None:
    """The section's hold on the heavy slot (none when light), or None and a warning if refused."""
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(slot(*cost))
    except Busy:
        where.warning(tr("init.busy"))
        return None
    return stack


gate = hold(pass_cost)
if gate is None:
    st.stop()
with gate:
    tables = {s: run(s, *net).table for s in schemes}
    for s in schemes if bn else ():  # the faint "without BN" curves
        run(s, *net[:-1], False)
theory = None if bn else {s: predicted(s, act, depth, width) for s in schemes}


# 1. Histograms layer by layer -------------------------------------------------------------------
@st.fragment
def section_histograms() -> None:
    # The radio comes first in the code (the heading follows it), last on the screen.
    heading, body = st.container(), st.container()
    left, right = body.columns([4, 1])
    kind = draw(CONTROLS["hist"], where=right)
    heading.header(tr(f"init.sec.histograms_{kind}"))
    explain(f"initialization/histograms_{topic.histogram_text(act, kind)}", where=left)
    gate = hold(pass_cost, body)
    if gate is None:
        return
    with gate, body:  # cached runs, unless other sessions' settings pushed them out meanwhile
        chart(histogram_chart(schemes, net, kind), key="histograms")
        st.caption(tr("init.hist_caption", act=tr(f"act.name.{act}"), batch=batch, width=width))


section_histograms()


# 2. Scale through depth -------------------------------------------------------------------------
st.header(tr("init.sec.depth"))
gate = hold(pass_cost)
if gate is not None:
    with gate:
        side_by_side(depth_charts(schemes, net), ("depth_act", "depth_grad", "depth_saturated"))
    if "zeros" in schemes:
        st.info(tr("init.zeros_note", zeros=tr("init.scheme.zeros")))
    if any(initialization.reached_ceiling(t) for t in tables.values()):
        st.warning(tr("init.overflow"))
    st.caption(tr("init.bn_caption") if bn else tr("init.depth_caption"))
    st.dataframe(figures.summary_table(tables, theory, tr), hide_index=True, width="stretch")
    left, right = st.columns(2)
    explain("initialization/variance", where=left)
    explain("initialization/batchnorm", where=right)
    in_pytorch(snippets.depth, state.values(CONTROLS))

# 3. The table of schemes ------------------------------------------------------------------------
st.header(tr("init.sec.table"))
# Two narrow tables rather than one wide one: each fits a phone's column (no sideways scroll).
st.markdown(figures.init_table(schemes, initialization.every_scheme(width, width), width, tr))
explain("initialization/table")
in_pytorch(snippets.table, state.values(CONTROLS))

# 4. Symmetry ------------------------------------------------------------------------------------
st.header(tr("init.sec.symmetry"))


@st.fragment
def section_symmetry() -> None:
    left, right = st.columns([4, 1])
    steps, lr = (draw(CONTROLS[key], where=right) for key in ("sym_steps", "sym_lr"))
    explain("initialization/symmetry", where=left)
    gate = hold((steps * topic.SYMMETRY_WORK, 0.0))
    if gate is None:
        return
    with gate:
        experiment = symmetry(steps, lr, seed)
        weights, curves, fits = symmetry_charts(steps, lr, seed)
        for init in experiment.diverged:
            st.warning(tr("init.sym_diverged", init=tr(f"init.sym.{init}")))
        chart(weights, key="sym_weights")
        st.caption(tr("init.sym_caption", units=initialization.SYMMETRY_HIDDEN))
        side_by_side(curves, ("sym_loss", "sym_spread"))
        side_by_side(fits, [f"sym_fit_{init}" for init in experiment.runs])
    runs = experiment.runs
    for column, (init, r) in zip(st.columns(len(runs)), runs.items(), strict=True):
        column.metric(*topic.symmetry_metric(init, r, tr), delta_color="off", delta_arrow="off")
    in_pytorch(snippets.symmetry, state.values(CONTROLS))


section_symmetry()

# 5. Does it train? ------------------------------------------------------------------------------
st.header(tr("init.sec.training"))


@st.fragment
def section_training() -> None:
    t_depth, t_width, t_steps, t_lr = columns_of("tr_depth", "tr_width", "tr_steps", "tr_lr")
    steps = topic.affordable_steps(t_depth, t_width, t_steps)
    if steps < t_steps:
        st.info(tr("init.steps_capped", asked=t_steps, steps=steps))
    settings = (act, t_depth, t_width, steps, t_lr, seed, bn)
    gate = hold(topic.training_cost(schemes, *settings))
    if gate is None:
        return
    with gate:
        results = {s: deep(s, *settings) for s in schemes}
        charts = training_charts(schemes, *settings)
        st.caption(tr("init.train_setup", depth=t_depth, width=t_width, act=tr(f"act.name.{act}")))
        side_by_side(charts, ("training_loss", "training_accuracy"))
    for kind, text in topic.training_notes(results, tr):  # ("warning" or "markdown", words)
        getattr(st, kind)(text)
    explain("initialization/training")


section_training()

st.divider()
explain("initialization/takeaways")

"""Weight initialization: activations and gradients through depth, symmetry, does it train?"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, initialization
from ui import state
from ui.figures import initialization as figs
from ui.frame import page_frame
from ui.heavy import Busy, cpu_budget, gated, slot
from ui.i18n import current_lang, translator
from ui.widgets import chart, explain

DEFAULT_SCHEMES = ("small_normal", "standard_normal", "xavier_normal")
MAX_SCHEMES = 5
WIDTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
BATCHES = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
TRAIN_WIDTHS = (4, 8, 16, 32, 64, 128)
PRESETS = {
    "tanh": {"schemes": DEFAULT_SCHEMES, "act": "tanh", "bn": False, "depth": 15},
    "relu": {"schemes": ("xavier_normal", "he_normal"), "act": "relu", "bn": False, "depth": 30},
    "bn": {"schemes": DEFAULT_SCHEMES, "act": "tanh", "bn": True, "depth": 15},
}


# What one training run may use of this thread's CPU before it is cut (the page's work budgets
# keep every setting far below it on this machine; this bounds a slower or busier one).
TRAIN_CPU_SECONDS = 8.0
# Explanations of the histograms per activation: tanh and ReLU have their own, the rest share one.
HIST_TEXTS = {"tanh": "tanh", "relu": "relu"}


def _propagate_cost(scheme, act, depth, width, batch, seed, bn):
    """(multiply-adds forward and backward, float32 cells held): for ui.heavy's gate."""
    return 2.0 * depth * batch * width * width, 2.0 * depth * width * batch


def _train_cost(scheme, act, depth, width, steps, lr, seed, bn, _stop=None):
    """Forward, backward and ∂W on 200 points per layer and step, plus each step's NumPy calls
    (about 2·10⁶ multiply-adds' worth of overhead per layer): for ui.heavy's gate."""
    return steps * depth * (600.0 * width * width + 2e6), 4.0 * depth * 200 * width


def _total(costs) -> tuple[float, float]:
    """A section's cost from its calls': the work adds up, memory is one call's at a time."""
    costs = list(costs)
    return sum(c[0] for c in costs), max((c[1] for c in costs), default=0.0)


SYMMETRY_WORK = 1e7  # per step of the XOR net and its snapshots: 2000 steps are heavy


# --- cached calls into core, keyed on scalars --------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
@gated(_propagate_cost)
def run(scheme: str, act: str, depth: int, width: int, batch: int, seed: int, bn: bool):
    # Histograms only of the layers the small multiples show (they cost more than the pass).
    layers = figs.layer_picks(depth)
    return initialization.propagate_with_histograms(
        scheme, act, depth, width, batch, seed, bn, layers=layers
    )


@st.cache_data(max_entries=32, show_spinner=False)
def predicted(scheme: str, act: str, depth: int, width: int) -> pd.DataFrame:
    return initialization.predicted_std(scheme, act, depth, width)


@st.cache_data(max_entries=16, show_spinner=False)
def symmetry(steps: int, lr: float, seed: int) -> dict:
    return figs.symmetry_data(steps, lr, seed)


@st.cache_data(max_entries=32, show_spinner=False)
@gated(_train_cost)
def deep(scheme, act, depth, width, steps, lr, seed, bn, _stop=None) -> initialization.DeepRun:
    # _stop is not part of the cache key (a leading underscore): the CPU budget of this call.
    stop = cpu_budget(TRAIN_CPU_SECONDS) if _stop is None else _stop
    return initialization.train_deep(scheme, act, depth, width, steps, lr, seed, bn, stop)


# Figures are cached as well, keyed on the same scalars plus the language: building a plotly
# figure costs more than the core call behind it, and a full rerun (any top control) would
# otherwise rebuild every chart. cache_resource shares one object: never mutated
# (st.plotly_chart serializes a copy).


@st.cache_resource(max_entries=16, show_spinner=False)
def histogram_figure(schemes, act, depth, width, batch, seed, bn, kind, lang):
    data = {}
    for s in schemes:
        p = run(s, act, depth, width, batch, seed, bn)
        grad = kind == "gradient"
        data[s] = figs.Histograms(
            p.gradient_edges if grad else p.edges,
            p.gradient_density if grad else p.density,
            p.gradient_outside if grad else p.outside,
            p.table["gradient_std" if grad else "activation_std"].to_numpy(),
        )
    return figs.fig_histograms(data, figs.layer_picks(depth), kind, translator(lang))


@st.cache_resource(max_entries=16, show_spinner=False)
def depth_figure(schemes, act, depth, width, batch, seed, bn, lang):
    def curves(table_of):
        return {s: figs.Curves.of(table_of(s)) for s in schemes}

    return figs.fig_std_depth(
        np.arange(1, depth + 1),
        curves(lambda s: run(s, act, depth, width, batch, seed, bn).table),
        None if bn else curves(lambda s: predicted(s, act, depth, width)),
        curves(lambda s: run(s, act, depth, width, batch, seed, False).table) if bn else None,
        translator(lang),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def symmetry_figures(steps, lr, seed, lang):
    data, tr = symmetry(steps, lr, seed), translator(lang)
    runs = data["runs"]
    return (
        figs.fig_symmetry_weights({i: r["units"] for i, r in runs.items()}, data["steps"], tr),
        figs.fig_symmetry_curves(
            {i: r["loss"] for i, r in runs.items()},
            {i: r["distinctness"] for i, r in runs.items()},
            tr,
        ),
        figs.fig_symmetry_fits(
            data["grid"], {i: r["plane"] for i, r in runs.items()}, data["x"], data["y"], tr
        ),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def training_figures(schemes, act, depth, width, steps, lr, seed, bn, lang):
    results = {s: deep(s, act, depth, width, steps, lr, seed, bn) for s in schemes}
    return figs.fig_training(
        {s: r.loss for s, r in results.items()},
        {s: r.accuracy for s, r in results.items()},
        translator(lang),
    )


# --- the page ----------------------------------------------------------------------------------

tr = page_frame("initialization")
explain("initialization/intro")

st.markdown(f"**{tr('init.sec.presets')}**")
for preset, column in zip(PRESETS, st.columns(len(PRESETS)), strict=True):
    column.button(
        tr(f"init.preset.{preset}"),
        key=f"preset_{preset}",
        help=tr(f"init.preset.{preset}_help"),
        on_click=state.apply,
        args=(PRESETS[preset],),
        width="stretch",
    )

with st.container(border=True):
    top = st.columns([3, 1.2, 1])
    schemes = state.choices(
        "schemes",
        tr("init.ctl.schemes"),
        initialization.SCHEMES,
        DEFAULT_SCHEMES,
        format_func=lambda n: tr(f"init.scheme.{n}"),
        max_count=MAX_SCHEMES,
        help=tr("init.ctl.schemes_help"),
        where=top[0],
    )
    act = state.choice(
        "act",
        tr("init.ctl.act"),
        activations.NAMES,
        "tanh",
        format_func=lambda n: tr(f"act.name.{n}"),
        where=top[1],
    )
    top[2].write("")  # aligns the toggle with the boxes' inputs
    bn = state.flag("bn", tr("init.ctl.bn"), False, help=tr("init.ctl.bn_help"), where=top[2])
    cols = st.columns(4)
    depth = state.integer(
        "depth", tr("init.ctl.depth"), 15, 1, initialization.MAX_DEPTH, where=cols[0]
    )
    width = state.choice(
        "width",
        tr("init.ctl.width"),
        WIDTHS,
        256,
        widget="select_slider",
        help=tr("init.ctl.width_help"),
        where=cols[1],
    )
    batch_asked = state.choice(
        "batch",
        tr("init.ctl.batch"),
        BATCHES,
        256,
        widget="select_slider",
        help=tr("init.ctl.batch_help"),
        where=cols[2],
    )
    seed = state.integer(
        "seed", tr("init.ctl.seed"), 0, 0, 999, help=tr("init.ctl.seed_help"), where=cols[3]
    )

# Past the weights' memory budget: the deepest network that fits at this width.
depth_asked, depth = depth, figs.affordable_depth(depth, width)
if depth < depth_asked:
    st.info(tr("init.depth_capped", asked=depth_asked, depth=depth, width=width))

# Past core's MAX_CELLS (memory) or the page's time budget: the largest batch that fits.
batch = figs.affordable_batch(depth, width, batch_asked)
if batch < batch_asked:
    st.info(tr("init.batch_capped", asked=batch_asked, batch=batch, depth=depth, width=width))

if not schemes:
    st.info(tr("init.pick_one"))
    st.stop()

# A heavy section runs in ui.heavy's one slot from its core calls to its charts' drawing (turning
# a figure into JSON is Python work that holds the GIL: six heavy links doing it side by side
# would starve a light visitor's run).
pass_cost = _total(
    _propagate_cost(s, act, depth, width, batch, seed, b) for s in schemes for b in {bn, False}
)


def hold(cost: tuple[float, float], where: object = st) -> contextlib.ExitStack | None:
    """The section's hold on the heavy slot (a no-op when it is light), or None, with the
    refusal said in words, when other heavy runs kept it too long."""
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
    props = {s: run(s, act, depth, width, batch, seed, bn) for s in schemes}
    if bn:  # the faint "without BN" curves
        for s in schemes:
            run(s, act, depth, width, batch, seed, False)
theory = None if bn else {s: predicted(s, act, depth, width) for s in schemes}


# 1. Histograms layer by layer ---------------------------------------------------------------
@st.fragment
def section_histograms() -> None:
    # The radio comes first in the code (the heading follows it), last on the screen.
    heading, body = st.container(), st.container()
    left, right = body.columns([4, 1])
    with right:
        kind = state.choice(
            "hist",
            tr("init.ctl.hist"),
            ("activation", "gradient"),
            "activation",
            format_func=lambda v: tr(f"init.ctl.hist_{v}"),
            widget="radio",
        )
    heading.header(tr(f"init.sec.histograms_{kind}"))
    text = HIST_TEXTS.get(act, "other") + ("_gradient" if kind == "gradient" else "")
    with left:
        explain(f"initialization/histograms_{text}")
    gate = hold(pass_cost, body)
    if gate is None:
        return
    with gate, body:  # cached runs, unless other sessions' settings pushed them out meanwhile
        figure = histogram_figure(schemes, act, depth, width, batch, seed, bn, kind, current_lang())
        chart(figure, key="histograms")
        st.caption(tr("init.hist_caption", act=tr(f"act.name.{act}"), batch=batch, width=width))


section_histograms()


# 2. Scale through depth ----------------------------------------------------------------------
def section_depth() -> None:
    st.header(tr("init.sec.depth"))
    tables = {s: p.table for s, p in props.items()}
    gate = hold(pass_cost)
    if gate is None:
        return
    with gate:
        figures = depth_figure(schemes, act, depth, width, batch, seed, bn, current_lang())
        keys = ("depth_act", "depth_grad", "depth_saturated")
        for column, figure, key in zip(st.columns(3), figures, keys, strict=True):
            with column:
                chart(figure, key=key)
    if "zeros" in schemes:
        st.info(tr("init.zeros_note", zeros=tr("init.scheme.zeros")))
    if any(
        (t[["activation_std", "gradient_std"]] >= initialization.VALUE_CEILING).any().any()
        for t in tables.values()
    ):
        st.warning(tr("init.overflow"))
    st.caption(tr("init.bn_caption") if bn else tr("init.depth_caption"))
    st.dataframe(figs.summary_table(tables, theory, tr), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        explain("initialization/variance")
    with right:
        explain("initialization/batchnorm")


section_depth()

# 3. The table of schemes ---------------------------------------------------------------------
st.header(tr("init.sec.table"))
# A table wider than a phone scrolls inside its own box (the page itself must not scroll
# sideways), and says so on narrow screens only.
st.html(
    "<style>.st-key-init_table{overflow-x:auto}.st-key-init_table table{width:max-content}"
    ".st-key-init_table th,.st-key-init_table td{white-space:nowrap}"
    ".st-key-init_table_cue{display:none}"
    "@media (max-width:640px){.st-key-init_table_cue{display:block}}</style>"
)
with st.container(key="init_table_cue"):
    st.caption(tr("init.table_scroll"))
with st.container(key="init_table"):
    st.markdown(figs.init_table(schemes, width, tr))
explain("initialization/table")

# 4. Symmetry ---------------------------------------------------------------------------------
st.header(tr("init.sec.symmetry"))


@st.fragment
def section_symmetry() -> None:
    left, right = st.columns([4, 1])
    with right:
        steps = state.integer("sym_steps", tr("init.ctl.sym_steps"), 300, 0, 2000, 50)
        lr = state.log_number("sym_lr", tr("init.ctl.lr"), 0.5, 0.01, 1.0)
    with left:
        explain("initialization/symmetry")
    gate = hold((steps * SYMMETRY_WORK, 0.0))
    if gate is None:
        return
    with gate:
        data = symmetry(steps, lr, seed)
        weights, curves, fits = symmetry_figures(steps, lr, seed, current_lang())
        runs = data["runs"]
        for init in data["diverged"]:
            st.warning(tr("init.sym_diverged", init=tr(f"init.sym.{init}")))
        chart(weights, key="sym_weights")
        st.caption(tr("init.sym_caption", units=initialization.SYMMETRY_HIDDEN))
        keys = ("sym_loss", "sym_spread")
        for column, figure, key in zip(st.columns(2), curves, keys, strict=True):
            with column:
                chart(figure, key=key)
        for column, figure, init in zip(st.columns(len(fits)), fits, runs, strict=True):
            with column:
                chart(figure, key=f"sym_fit_{init}")
    cols = st.columns(len(runs))
    for column, (init, r) in zip(cols, runs.items(), strict=True):
        column.metric(
            tr(f"init.sym.{init}"),
            tr("init.sym_loss", loss=f"{r['loss'][-1]:.4f}"),
            tr("init.sym_spread", spread=f"{r['distinctness'][-1]:.3g}"),
            delta_color="off",
            delta_arrow="off",
        )


section_symmetry()

# 5. Does it train? ---------------------------------------------------------------------------
st.header(tr("init.sec.training"))


def train_result(scheme: str, r: initialization.DeepRun) -> str:
    """One scheme's outcome in words; a flat loss of log 2 says how close to ½ the outputs are,
    so that an accuracy far from 50 % does not contradict "the output is 0.5"."""
    name = tr(f"init.scheme.{scheme}")
    if r.diverged_at is not None:
        return tr("init.diverged", scheme=name, step=r.diverged_at)
    fields = {"scheme": name, "loss": f"{r.loss[-1]:.3f}", "acc": f"{r.accuracy[-1]:.0%}"}
    if abs(r.loss[-1] - np.log(2)) < 1e-4 and r.margin < 1e-3:
        return tr(
            "init.train_flat", margin=f"{r.margin:.1e}", acc0=f"{r.accuracy[0]:.0%}", **fields
        )
    return tr("init.train_result", **fields)


@st.fragment
def section_training() -> None:
    cols = st.columns(4)
    t_depth = state.integer(
        "tr_depth", tr("init.ctl.tr_depth"), 20, 1, initialization.MAX_TRAIN_DEPTH, where=cols[0]
    )
    t_width = state.choice(
        "tr_width", tr("init.ctl.tr_width"), TRAIN_WIDTHS, 32, widget="select_slider",
        where=cols[1],
    )  # fmt: skip
    t_steps = state.integer("tr_steps", tr("init.ctl.tr_steps"), 200, 0, 1000, 50, where=cols[2])
    t_lr = state.log_number("tr_lr", tr("init.ctl.lr"), 0.05, 0.001, 10.0, where=cols[3])
    steps = figs.affordable_steps(t_depth, t_width, t_steps)
    if steps < t_steps:
        st.info(tr("init.steps_capped", asked=t_steps, steps=steps))
    cost = _total(_train_cost(s, act, t_depth, t_width, steps, t_lr, seed, bn) for s in schemes)
    gate = hold(cost)
    if gate is None:
        return
    with gate:
        results = {s: deep(s, act, t_depth, t_width, steps, t_lr, seed, bn) for s in schemes}
        figures = training_figures(
            schemes, act, t_depth, t_width, steps, t_lr, seed, bn, current_lang()
        )
        st.caption(tr("init.train_setup", depth=t_depth, width=t_width, act=tr(f"act.name.{act}")))
        keys = ("training_loss", "training_accuracy")
        for column, figure, key in zip(st.columns(2), figures, keys, strict=True):
            with column:
                chart(figure, key=key)
    for s, r in results.items():
        if r.stopped_at is not None:
            st.warning(
                tr(
                    "init.train_cut",
                    scheme=tr(f"init.scheme.{s}"),
                    step=r.stopped_at,
                    seconds=f"{TRAIN_CPU_SECONDS:g}",
                )
            )
        if r.diverged_at is not None:
            st.warning(train_result(s, r))
        elif r.loss.size:
            st.markdown(train_result(s, r))
    explain("initialization/training")


section_training()

st.divider()
explain("initialization/takeaways")

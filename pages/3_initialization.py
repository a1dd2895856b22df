"""Weight initialization: activations and gradients through depth, symmetry, does it train?"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, initialization
from ui import state
from ui.figures import initialization as figs
from ui.frame import page_frame
from ui.heavy import one_at_a_time
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


# --- cached calls into core, keyed on scalars --------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
@one_at_a_time
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
@one_at_a_time
def symmetry(steps: int, lr: float, seed: int) -> dict:
    return figs.symmetry_data(steps, lr, seed)


@st.cache_data(max_entries=32, show_spinner=False)
@one_at_a_time
def deep(scheme, act, depth, width, steps, lr, seed, bn) -> initialization.DeepRun:
    return initialization.train_deep(scheme, act, depth, width, steps, lr, seed, bn)


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
def training_figure(schemes, act, depth, width, steps, lr, seed, bn, lang):
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

props = {s: run(s, act, depth, width, batch, seed, bn) for s in schemes}
theory = None if bn else {s: predicted(s, act, depth, width) for s in schemes}

# 1. Histograms layer by layer ---------------------------------------------------------------
st.header(tr("init.sec.histograms"))


@st.fragment
def section_histograms() -> None:
    left, right = st.columns([4, 1])
    with right:
        kind = state.choice(
            "hist",
            tr("init.ctl.hist"),
            ("activation", "gradient"),
            "activation",
            format_func=lambda v: tr(f"init.ctl.hist_{v}"),
            widget="radio",
        )
    with left:
        explain("initialization/histograms")
    chart(
        histogram_figure(schemes, act, depth, width, batch, seed, bn, kind, current_lang()),
        key="histograms",
    )
    st.caption(tr("init.hist_caption", act=tr(f"act.name.{act}"), batch=batch, width=width))


section_histograms()

# 2. Scale through depth ----------------------------------------------------------------------
st.header(tr("init.sec.depth"))
tables = {s: p.table for s, p in props.items()}
chart(depth_figure(schemes, act, depth, width, batch, seed, bn, current_lang()), key="depth")
if "zeros" in schemes:
    st.info(tr("init.zeros_note"))
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

# 3. The table of schemes ---------------------------------------------------------------------
st.header(tr("init.sec.table"))
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
    data = symmetry(steps, lr, seed)
    runs = data["runs"]
    for init in data["diverged"]:
        st.warning(tr("init.sym_diverged", init=tr(f"init.sym.{init}")))
    weights, curves, fits = symmetry_figures(steps, lr, seed, current_lang())
    chart(weights, key="sym_weights")
    st.caption(tr("init.sym_caption", units=initialization.SYMMETRY_HIDDEN))
    chart(curves, key="sym_curves")
    chart(fits, key="sym_fits")
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
    results = {s: deep(s, act, t_depth, t_width, steps, t_lr, seed, bn) for s in schemes}
    left, right = st.columns([3, 1])
    with left:
        figure = training_figure(
            schemes, act, t_depth, t_width, steps, t_lr, seed, bn, current_lang()
        )
        chart(figure, key="training")
    with right:
        st.caption(tr("init.train_setup", depth=t_depth, width=t_width, act=tr(f"act.name.{act}")))
        for s, r in results.items():
            if r.diverged_at is not None:
                st.warning(tr("init.diverged", scheme=tr(f"init.scheme.{s}"), step=r.diverged_at))
            elif r.loss.size:
                st.markdown(
                    tr(
                        "init.train_result",
                        scheme=tr(f"init.scheme.{s}"),
                        loss=f"{r.loss[-1]:.3f}",
                        acc=f"{r.accuracy[-1]:.0%}",
                    )
                )
    explain("initialization/training")


section_training()

st.divider()
explain("initialization/takeaways")

"""Activation functions: f and f', what they do to gradients through depth, and Maxout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import activations, gradient_flow, maxout
from ui import i18n, state
from ui.figures.activations import (
    fig_alive,
    fig_derivative,
    fig_expected,
    fig_function,
    fig_maxout_error,
    fig_maxout_fit,
    fig_output_distribution,
    format_factor,
    format_fixed,
    format_share,
)
from ui.frame import page_frame
from ui.theme import color
from ui.widgets import chart, explain, swatch

DEFAULT_PICK = ("sigmoid", "tanh", "relu")
MAX_K = 10


# --- cached calls into core, keyed on scalars --------------------------------------------------


def _act(name: str, params: tuple[tuple[str, object], ...]) -> activations.Activation:
    return activations.get(name, **dict(params))


@st.cache_data(max_entries=32, show_spinner=False)
def curves(name: str, params: tuple, xmax: float, threshold: float):
    act = _act(name, params)
    x = np.linspace(-xmax, xmax, 801)
    dfx = act.derivative(x)
    return x, act.forward(x), dfx, activations.saturated_intervals(x, dfx, threshold)


@st.cache_data(max_entries=64, show_spinner=False)
def through_depth(name: str, params: tuple, mu: float, sigma: float, depth: int):
    act = _act(name, params)
    table = gradient_flow.gradient_through_depth(act, mu, sigma, np.arange(1, depth + 1))
    return table, gradient_flow.dead_fraction(act, mu, sigma)


@st.cache_data(max_entries=64, show_spinner=False)
def output_distribution(name: str, params: tuple, mu: float, sigma: float, threshold: float):
    act = _act(name, params)
    dist = gradient_flow.output_distribution(act, mu, sigma)
    return dist, gradient_flow.saturated_mass(act, mu, sigma, threshold)


@st.cache_data(max_entries=64, show_spinner=False)
def properties(params_by_name: tuple) -> pd.DataFrame:
    return gradient_flow.properties_table(
        {name: _act(name, params) for name, params in params_by_name}
    )


@st.cache_data(max_entries=16, show_spinner=False)
def maxout_fits(target: str):
    return [maxout.maxout_curve(target, k) for k in range(1, MAX_K + 1)]


# --- the charts, built once per setting and language -------------------------------------------
# Building a plotly figure costs more than the NumPy behind it: each chart is one shared object
# (cache_resource: no copy per rerun; chart() never mutates it, plotly_chart serializes it).
# `params` is ((name, ((parameter, value), …)), …) for the picked activations, in order.

Picked = tuple[tuple[str, tuple], ...]


@st.cache_data(max_entries=8, show_spinner=False)
def identity_curves(xmax: float) -> dict[str, np.ndarray]:
    x = np.linspace(-xmax, xmax, 801)
    return {
        "tanh_from_sigmoid": activations.tanh_from_sigmoid(x),
        "misremembered": activations.misremembered_tanh(x),
    }


@st.cache_resource(max_entries=16, show_spinner=False)
def curves_charts(picked: Picked, xmax: float, threshold: float, identity: bool, lang: str):
    data = {n: curves(n, p, xmax, threshold) for n, p in picked}
    x = next(iter(data.values()))[0]
    saturated = {n: d[3] for n, d in data.items()}
    tr = i18n.translator(lang)
    return (
        fig_function(
            x,
            {n: d[1] for n, d in data.items()},
            saturated,
            tr,
            identity=identity_curves(xmax) if identity else None,
        ),
        fig_derivative(x, {n: d[2] for n, d in data.items()}, saturated, threshold, tr),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def depth_charts(picked: Picked, mu: float, sigma: float, depth: int, lang: str):
    results = {n: through_depth(n, p, mu, sigma, depth)[0] for n, p in picked}
    depths, tr = np.arange(1, depth + 1), i18n.translator(lang)
    return (
        fig_expected(depths, {n: r["expected"].to_numpy() for n, r in results.items()}, tr),
        fig_alive(
            depths,
            {n: r["alive"].to_numpy() for n, r in results.items()},
            {n: r["typical"].to_numpy() for n, r in results.items()},
            tr,
        ),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def output_chart(picked: Picked, mu: float, sigma: float, lang: str):
    dists = {n: output_distribution(n, p, mu, sigma, 0.05)[0] for n, p in picked}
    return fig_output_distribution(
        {n: (d.edges, d.density, d.mean) for n, d in dists.items()}, i18n.translator(lang)
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def maxout_charts(target: str, k: int, lang: str):
    fits = maxout_fits(target)
    fit, tr = fits[k - 1], i18n.translator(lang)
    return (
        fig_maxout_fit(fit.x, fit.y, fit.y_hat, fit.pieces, k, tr),
        fig_maxout_error([f.mse for f in fits], k, tr),
    )


def grid(count: int, per_row: int):
    """`count` cells, `per_row` columns a row (a phone stacks them)."""
    for start in range(0, count, per_row):
        yield from st.columns(per_row)[: min(per_row, count - start)]


# --- the page ----------------------------------------------------------------------------------

tr = page_frame("activations")
explain("activations/intro")

with st.container(border=True):
    picked = state.choices(
        "act",
        tr("act.ctl.pick"),
        activations.NAMES,
        DEFAULT_PICK,
        format_func=lambda n: tr(f"act.name.{n}"),
        help=tr("act.ctl.pick_help"),
    )
    param_cols = st.columns(4)
    params: dict[str, dict[str, object]] = {}
    if "leaky_relu" in picked:
        params["leaky_relu"] = {
            "negative_slope": state.number(
                "slope", tr("act.ctl.slope"), 0.01, 0.0, 0.5, 0.01, where=param_cols[0]
            )
        }
    if "elu" in picked:
        params["elu"] = {
            "alpha": state.number(
                "alpha", tr("act.ctl.alpha"), 1.0, 0.1, 3.0, 0.1, where=param_cols[1]
            )
        }
    if "softplus" in picked:
        params["softplus"] = {
            "beta": state.number(
                "beta", tr("act.ctl.beta"), 1.0, 0.25, 5.0, 0.25, where=param_cols[2]
            )
        }
    if "gelu" in picked:
        params["gelu"] = {
            "approximate": state.choice(
                "gelu",
                tr("act.ctl.gelu"),
                ("none", "tanh"),
                "none",
                format_func=lambda v: tr(f"act.ctl.gelu_{v}"),
                widget="radio",
                where=param_cols[3],
            )
        }


def key_params(name: str) -> tuple:
    return tuple(sorted(params.get(name, {}).items()))


if not picked:
    st.info(tr("act.pick_one"))
    st.stop()
lang = i18n.current_lang()
picked_params: Picked = tuple((n, key_params(n)) for n in picked)

# 1. f and f' --------------------------------------------------------------------------------------
st.header(tr("act.sec.curves"))


@st.fragment
def section_curves() -> None:
    # The x range, the threshold and the overlay only change these charts: they live in this
    # fragment, so a nudge redraws nothing else.
    cols = st.columns(3, vertical_alignment="bottom")
    xmax = state.number(
        "xmax", tr("act.ctl.xmax"), 6.0, 1.0, 20.0, 0.5, help=tr("act.ctl.xmax_help"), where=cols[0]
    )
    threshold = state.number(
        "thr", tr("act.ctl.thr"), 0.05, 0.01, 0.5, 0.01, help=tr("act.ctl.thr_help"), where=cols[1]
    )
    identity = state.flag(
        "identity", tr("act.ctl.identity"), False, help=tr("act.ctl.identity_help"), where=cols[2]
    )
    f_chart, df_chart = curves_charts(picked_params, xmax, threshold, identity, lang)
    left, right = st.columns(2)
    chart(f_chart, key="curves_f", where=left)
    chart(df_chart, key="curves_df", where=right)
    per_row = min(len(picked), 2 if len(picked) == 4 else 3)
    for name, cell in zip(picked, grid(len(picked), per_row), strict=True):
        entry = activations.REGISTRY[name]
        with cell.container(border=True):
            swatch(color(name), tr(f"act.name.{name}"))
            st.latex(rf"f(x) = {entry.latex_f}")
            st.latex(rf"f'(x) = {entry.latex_df}")
    explain("activations/curves")
    explain("activations/identity")


section_curves()

# 2. properties ----------------------------------------------------------------------------------
st.header(tr("act.sec.properties"))
table = properties(tuple((n, key_params(n)) for n in activations.NAMES))
shown = pd.DataFrame(
    {
        tr("act.col.name"): [
            ("● " if n in picked else "") + tr(f"act.name.{n}") for n in table["name"]
        ],
        tr("act.col.range"): table["output_range"],
        tr("act.col.zero_centred"): table["zero_centred"].map(lambda v: "✓" if v else "✗"),
        tr("act.col.monotonic"): table["monotonic"].map(lambda v: "✓" if v else "✗"),
        tr("act.col.max_derivative"): table["max_derivative"].map(format_factor),
        tr("act.col.mean"): table["output_mean"].map(format_fixed),
        tr("act.col.saturates"): table["saturates"].map(lambda v: tr(f"act.saturates.{v}")),
        tr("act.col.cost"): table["cost"].map(lambda v: tr(f"act.cost.{v}")),
    }
)
st.dataframe(shown, hide_index=True, width="stretch")
explain("activations/properties")

# 3 and 4. through depth, and the output distribution ------------------------------------------
st.header(tr("act.sec.depth"))


@st.fragment
def section_depth() -> None:
    cols = st.columns(3)
    mu = state.number(
        "mu", tr("act.ctl.mu"), 0.0, -5.0, 5.0, 0.1, help=tr("act.ctl.mu_help"), where=cols[0]
    )
    sigma = state.number(
        "sigma",
        tr("act.ctl.sigma"),
        1.0,
        0.1,
        10.0,
        0.1,
        help=tr("act.ctl.sigma_help"),
        where=cols[1],
    )
    depth = state.integer("depth", tr("act.ctl.depth"), 20, 1, 100, where=cols[2])
    results = {n: through_depth(n, p, mu, sigma, depth) for n, p in picked_params}
    expected_chart, alive_chart = depth_charts(picked_params, mu, sigma, depth, lang)
    left, right = st.columns(2)
    chart(expected_chart, key="depth_expected", where=left)
    chart(alive_chart, key="depth_alive", where=right)
    st.markdown(f"**{tr('act.metric.heading', depth=depth)}**")
    for (name, (table_l, dead)), cell in zip(
        results.items(), grid(len(results), min(len(results), 5)), strict=True
    ):
        last = table_l.iloc[-1]
        cell.metric(
            tr(f"act.name.{name}"),
            format_factor(float(last["expected"])),
            tr("act.metric.dead", dead=format_share(dead, tr)),
            delta_color="off",
            delta_arrow="off",
        )
    explain("activations/depth")

    st.subheader(tr("act.sec.output"))
    left, right = st.columns([2, 1])
    dists = {n: output_distribution(n, p, mu, sigma, 0.05) for n, p in picked_params}
    chart(output_chart(picked_params, mu, sigma, lang), key="output", where=left)
    with right:
        for name, (dist, mass) in dists.items():
            st.markdown(
                tr(
                    "act.output_stats",
                    name=tr(f"act.name.{name}"),
                    mean=format_fixed(dist.mean),
                    std=format_fixed(dist.std),
                    saturated=format_share(mass, tr),
                )
            )
    explain("activations/output")


section_depth()

# 5. Maxout ------------------------------------------------------------------------------------
st.header(tr("act.sec.maxout"))


@st.fragment
def section_maxout() -> None:
    cols = st.columns(2)
    target = state.choice(
        "target",
        tr("act.ctl.target"),
        tuple(maxout.TARGETS),
        "square",
        format_func=lambda v: tr(f"act.target.{v}"),
        where=cols[0],
    )
    k = state.integer("k", tr("act.ctl.k"), 3, 1, MAX_K, help=tr("act.ctl.k_help"), where=cols[1])
    fit_chart, error_chart = maxout_charts(target, k, lang)
    left, right = st.columns([3, 2])
    chart(fit_chart, key="maxout_fit", where=left)
    chart(error_chart, key="maxout_error", where=right)
    st.latex(r"\mathrm{maxout}(x) = \max_{i=1..k}\,(w_i x + b_i)")
    explain("activations/maxout")


section_maxout()

st.divider()
explain("activations/takeaways")

"""Activation functions: f and f', what they do to gradients through depth, and Maxout."""

from __future__ import annotations

import streamlit as st

from core import activations, gradient_flow, maxout
from ui import cache
from ui.figures import activations as figures
from ui.formatting import format_factor, format_fixed, format_share
from ui.frame import page_frame
from ui.snippets import activations as snippets
from ui.state import draw, values
from ui.theme import color
from ui.topics.activations import CONTROLS, OUTPUT_THRESHOLD, PARAMETERS
from ui.widgets import chart, explain, in_pytorch, side_by_side, swatch

# Each activation with its parameters, ((parameter, value), …), as the caches' keys: scalars only.
Params = tuple[tuple[str, object], ...]
Picked = tuple[tuple[str, Params], ...]


# --- calls into core, one activation at a time ---------------------------------------------------


def _act(name: str, params: Params) -> activations.Activation:
    return activations.get(name, **dict(params))


@cache.computation(max_entries=32)
def curves(name: str, params: Params, xmax: float, threshold: float) -> activations.Curves:
    return activations.curves(_act(name, params), xmax, threshold)


@cache.computation(max_entries=8)
def identity_curves(xmax: float) -> activations.TanhIdentity:
    return activations.tanh_identity(xmax)


@cache.computation(max_entries=64)
def through_depth(
    name: str, params: Params, mu: float, sigma: float, depth: int
) -> gradient_flow.ThroughDepth:
    return gradient_flow.through_depth(_act(name, params), mu, sigma, depth)


@cache.computation(max_entries=64)
def outputs(name: str, params: Params, mu: float, sigma: float) -> gradient_flow.Outputs:
    return gradient_flow.outputs(_act(name, params), mu, sigma, OUTPUT_THRESHOLD)


@cache.computation(max_entries=64)
def properties(every: Picked):
    return gradient_flow.properties_table({name: _act(name, params) for name, params in every})


@cache.computation(max_entries=16)
def maxout_fits(target: str) -> tuple[maxout.MaxoutFit, ...]:
    return maxout.maxout_sweep(target, CONTROLS["k"].hi)


# --- the charts, built once per setting and language ---------------------------------------------


@cache.chart(max_entries=16)
def curves_charts(picked: Picked, xmax: float, threshold: float, identity: bool, tr):
    drawn = {name: curves(name, params, xmax, threshold) for name, params in picked}
    overlay = identity_curves(xmax) if identity else None
    return (
        figures.fig_function(drawn, tr, identity=overlay),
        figures.fig_derivative(drawn, threshold, tr),
    )


@cache.chart(max_entries=16)
def depth_charts(picked: Picked, mu: float, sigma: float, depth: int, tr):
    results = {name: through_depth(name, params, mu, sigma, depth) for name, params in picked}
    return figures.fig_expected(results, tr), figures.fig_alive(results, tr)


@cache.chart(max_entries=16)
def output_chart(picked: Picked, mu: float, sigma: float, tr):
    histograms = {name: outputs(name, params, mu, sigma).histogram for name, params in picked}
    return figures.fig_output_distribution(histograms, tr)


@cache.chart(max_entries=16)
def maxout_charts(target: str, k: int, tr):
    fits = maxout_fits(target)
    return figures.fig_maxout_fit(fits[k - 1], tr), figures.fig_maxout_error(fits, k, tr)


def grid(count: int, per_row: int):
    """`count` cells, `per_row` columns a row (a phone stacks them)."""
    for start in range(0, count, per_row):
        yield from st.columns(per_row)[: min(per_row, count - start)]


# --- the page ------------------------------------------------------------------------------------

tr = page_frame("activations")
explain("activations/intro")

with st.container(border=True):
    picked = draw(CONTROLS["act"])
    params: dict[str, Params] = {}
    for (name, (key, parameter)), where in zip(PARAMETERS.items(), st.columns(4), strict=True):
        if name in picked:
            params[name] = ((parameter, draw(CONTROLS[key], where=where)),)

if not picked:
    st.info(tr("act.pick_one"))
    st.stop()
picked_params: Picked = tuple((name, params.get(name, ())) for name in picked)

# 1. f and f' --------------------------------------------------------------------------------------
st.header(tr("act.sec.curves"))


@st.fragment
def section_curves() -> None:
    # The x range, the threshold and the overlay only change these charts: they live in this
    # fragment, so a nudge redraws nothing else.
    cols = st.columns(3, vertical_alignment="bottom")
    xmax = draw(CONTROLS["xmax"], where=cols[0])
    threshold = draw(CONTROLS["thr"], where=cols[1])
    identity = draw(CONTROLS["identity"], where=cols[2])
    f_chart, df_chart = curves_charts(picked_params, xmax, threshold, identity)
    side_by_side((f_chart, df_chart), ("curves_f", "curves_df"))
    per_row = min(len(picked), 2 if len(picked) == 4 else 3)
    for name, cell in zip(picked, grid(len(picked), per_row), strict=True):
        entry = activations.REGISTRY[name]
        with cell.container(border=True):
            swatch(color(name), tr(f"act.name.{name}"))
            st.latex(rf"f(x) = {entry.latex_f}")
            st.latex(rf"f'(x) = {entry.latex_df}")
    explain("activations/curves")
    explain("activations/identity")
    in_pytorch(snippets.curves, values(CONTROLS))


section_curves()

# 2. properties ----------------------------------------------------------------------------------
st.header(tr("act.sec.properties"))
table = properties(tuple((name, params.get(name, ())) for name in activations.NAMES))
st.dataframe(figures.table_properties(table, picked, tr), hide_index=True, width="stretch")
explain("activations/properties")

# 3 and 4. through depth, and the output distribution ------------------------------------------
st.header(tr("act.sec.depth"))


@st.fragment
def section_depth() -> None:
    cols = st.columns(3)
    mu = draw(CONTROLS["mu"], where=cols[0])
    sigma = draw(CONTROLS["sigma"], where=cols[1])
    depth = draw(CONTROLS["depth"], where=cols[2])
    expected_chart, alive_chart = depth_charts(picked_params, mu, sigma, depth)
    side_by_side((expected_chart, alive_chart), ("depth_expected", "depth_alive"))
    st.markdown(f"**{tr('act.metric.heading', depth=depth)}**")
    cells = grid(len(picked_params), min(len(picked_params), 5))
    for (name, p), cell in zip(picked_params, cells, strict=True):
        result = through_depth(name, p, mu, sigma, depth)
        cell.metric(
            tr(f"act.name.{name}"),
            format_factor(float(result.expected[-1])),
            tr("act.metric.dead", dead=format_share(result.dead, tr)),
            delta_color="off",
            delta_arrow="off",
        )
    explain("activations/depth")

    st.subheader(tr("act.sec.output"))
    left, right = st.columns([2, 1])
    chart(output_chart(picked_params, mu, sigma), key="output", where=left)
    with right:
        for name, p in picked_params:
            seen = outputs(name, p, mu, sigma)
            stats = {
                "mean": format_fixed(seen.histogram.mean),
                "std": format_fixed(seen.histogram.std),
                "saturated": format_share(seen.saturated, tr),
            }
            st.markdown(tr("act.output_stats", name=tr(f"act.name.{name}"), **stats))
    explain("activations/output")
    in_pytorch(snippets.depth, values(CONTROLS))


section_depth()

# 5. Maxout ------------------------------------------------------------------------------------
st.header(tr("act.sec.maxout"))


@st.fragment
def section_maxout() -> None:
    cols = st.columns(2)
    target = draw(CONTROLS["target"], where=cols[0])
    k = draw(CONTROLS["k"], where=cols[1])
    fit_chart, error_chart = maxout_charts(target, k)
    left, right = st.columns([3, 2])
    chart(fit_chart, key="maxout_fit", where=left)
    chart(error_chart, key="maxout_error", where=right)
    st.latex(r"\mathrm{maxout}(x) = \max_{i=1..k}\,(w_i x + b_i)")
    explain("activations/maxout")
    in_pytorch(snippets.fitted, values(CONTROLS))


section_maxout()

st.divider()
explain("activations/takeaways")

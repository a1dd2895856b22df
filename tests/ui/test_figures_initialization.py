"""Figure builders of the Weight initialization page, called directly with core's data."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import figure_finite

from core import initialization
from core.initialization.symmetry import unit_matrix
from ui.figures import initialization as figs
from ui.i18n import translator
from ui.theme import color
from ui.topics import initialization as topic


def titled(fig) -> bool:
    axes = [fig.layout[name] for name in fig.layout if name.startswith(("xaxis", "yaxis"))]
    return all(axis.title.text for axis in axes)


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


@pytest.fixture(scope="module")
def runs():
    return {
        s: initialization.propagate_with_histograms(s, "tanh", 8, 32, 32, 0)
        for s in ("zeros", "small_normal", "xavier_normal")
    }


def hist_data(runs, column="activation_std"):
    return {
        s: figs.Histograms(p.edges, p.density, p.outside, p.table[column].to_numpy())
        for s, p in runs.items()
    }


def test_histograms_have_one_panel_per_scheme_and_one_ridge_per_layer(runs, tr):
    layers = topic.layer_picks(8)
    fig = figs.fig_histograms(hist_data(runs), layers, "activation", tr)
    ridges = [t for t in fig.data if t.fill == "toself"]
    notes = [t for t in fig.data if t.mode == "text"]
    assert len(ridges) == len(runs) * len(layers)
    assert len(notes) == len(runs)
    assert figure_finite(fig)
    # One panel per scheme, titled with its name in its colour; layer names on the first y axis.
    titles = {a.text: a.font.color for a in fig.layout.annotations}
    for name in runs:
        assert titles[f"<b>{tr(f'init.scheme.{name}')}</b>"] == color(name)
    assert list(fig.layout.yaxis.ticktext) == [tr("init.fig.layer_n", n=n) for n in layers]
    assert fig.layout.yaxis.showticklabels
    assert not fig.layout.yaxis2.showticklabels
    assert fig.layout.xaxis.title.text == tr("init.fig.hist_x_activation")
    assert ridges[0].fillcolor.startswith("rgba(134, 142, 150")  # zeros' grey
    # The first picked layer is the top ridge; σ of every layer is written beside its ridge.
    first, last = ridges[0], ridges[len(layers) - 1]
    assert min(first.y) > min(last.y)
    sigma = runs["xavier_normal"].table["activation_std"].to_numpy()
    assert notes[2].text[-1].startswith(f"σ = {figs._sci(float(sigma[layers[-1] - 1]))}")


def test_a_ridge_is_its_histogram_scaled_to_its_peak():
    edges = np.linspace(-1.0, 1.0, 5)
    x, y, dens = figs._ridge(edges, np.array([0.1, 0.4, 0.2, 0.0]), base=3.0)
    np.testing.assert_array_equal(x, [-1, -1, -0.5, -0.5, 0, 0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(
        y - 3.0, np.array([0, 0.25, 0.25, 1, 1, 0.5, 0.5, 0, 0, 0]) * figs.RIDGE
    )
    np.testing.assert_array_equal(dens, [0, 0.1, 0.1, 0.4, 0.4, 0.2, 0.2, 0, 0, 0])


def test_a_point_mass_beside_a_spread_is_cut_off_and_the_spread_keeps_its_shape():
    # ReLU: half the values exactly 0 (first bin), the rest spread over the other bins.
    density = np.array([20.0, 4.0, 3.0, 2.0, 1.0])
    _, y, _ = figs._ridge(np.linspace(0.0, 1.0, 6), density, base=0.0)
    heights = y[1:-1:2]
    assert heights[0] == pytest.approx(figs.RIDGE)  # cut off at the ridge height
    assert heights[1] == pytest.approx(figs.RIDGE / 1.25)  # the spread's peak stays tall
    # A collapse (everything in one bin) is not a point mass beside a spread: plain scaling.
    _, y, _ = figs._ridge(np.linspace(0.0, 1.0, 6), np.array([0, 0, 50.0, 0.01, 0]), base=0.0)
    assert y.max() == pytest.approx(figs.RIDGE)
    assert y[1:-1:2][3] < 0.01


def test_a_layer_mostly_off_the_range_draws_low_and_an_empty_one_flat():
    edges = np.linspace(-4.0, 4.0, 9)
    density = np.full(8, 0.01)
    assert figs._ridge(edges, density, 0.0, outside=0.99)[1].max() == pytest.approx(
        0.02 * figs.RIDGE
    )
    assert figs._ridge(edges, density, 0.0, outside=0.3)[1].max() == pytest.approx(figs.RIDGE)
    for empty in (np.zeros(8), np.full(8, np.nan)):
        assert (figs._ridge(edges, empty, 2.0, outside=1.0)[1] == 2.0).all()


@pytest.mark.parametrize("cols", range(1, 6))
def test_histogram_panels_stay_inside_the_figure_for_any_number_of_schemes(runs, cols):
    """Four rows of the old small multiples once put an edge at -5.6e-17, which plotly refuses."""
    one = next(iter(runs.values()))
    hist = figs.Histograms(one.edges, one.density, one.outside, one.table["activation_std"])
    data = {s: hist for s in initialization.SCHEMES[:cols]}
    fig = figs.fig_histograms(data, topic.layer_picks(8), "gradient", translator("ko"))
    domains = [fig.layout[n].domain for n in fig.layout if n.startswith("xaxis")]
    assert len(domains) == cols
    assert all(0.0 <= lo < hi <= 1.0 for lo, hi in domains)
    # Built unvalidated for speed: plotly must still accept every property it was given.
    go.Figure(fig.to_dict())
    assert figure_finite(fig)


def test_std_chart_uses_log_axes_and_leaves_out_exact_zeros(runs, tr):
    columns = ("activation_std", "gradient_std", "saturated_fraction")
    measured = {s: figs.Curves(*(p.table[c].to_numpy() for c in columns)) for s, p in runs.items()}
    predicted = {
        s: figs.Curves(t["activation_std"].to_numpy(), t["gradient_std"].to_numpy(), np.zeros(8))
        for s, t in ((s, initialization.predicted_std(s, "tanh", 8, 32)) for s in runs)
    }
    act, grad, saturated = figs.fig_std_depth(np.arange(1, 9), measured, predicted, None, tr)
    assert act.layout.yaxis.type == "log"
    assert grad.layout.yaxis.type == "log"
    for fig, key in (
        (act, "init.fig.act_std_title"),
        (grad, "init.fig.grad_std_title"),
        (saturated, "init.fig.saturated_title"),
    ):  # separate charts: each its own title, axis titles and legend
        assert figure_finite(fig)
        assert titled(fig)
        assert fig.layout.title.text == tr(key)
        assert sorted(n for n in fig.layout if n.startswith(("xaxis", "yaxis"))) == [
            "xaxis",
            "yaxis",
        ]
    zeros_traces = [t for t in act.data if t.legendgroup == "zeros"]
    assert all(len(t.x) < 8 for t in zeros_traces)  # h_l = 0 exactly: no point on a log axis
    for fig in (act, grad):
        dashed = [t for t in fig.data if t.line.dash == "dash" and t.legendgroup == "xavier_normal"]
        assert dashed
        assert all(t.line.color.startswith("rgba(25, 113, 194") for t in dashed)
        solid = [t for t in fig.data if t.legendgroup == "xavier_normal" and t.showlegend]
        assert solid[0].line.color == color("xavier_normal")
    assert saturated.layout.yaxis.range == (0, 1.05)


def test_symmetry_figures_show_identical_columns_for_the_constant_start(tr):
    runs = {i: initialization.train_symmetry(i, 50) for i in initialization.SYMMETRY_INITS}
    units = {
        i: np.stack([unit_matrix(*p) for p in zip(r.w1, r.b1, r.w2, strict=True)])
        for i, r in runs.items()
    }
    assert np.ptp(units["constant"][-1], axis=1).max() == 0  # every column the same
    assert np.ptp(units["random"][-1], axis=1).max() > 0.1
    fig = figs.fig_symmetry_weights(units, runs["zeros"].snapshot_steps, tr)
    assert len(fig.frames) == runs["zeros"].snapshot_steps.size
    assert fig.layout.sliders[0].active == len(fig.frames) - 1
    assert figure_finite(fig)
    # Stacked one start per row (full width on a phone), one slider replaying all three.
    domains = [fig.layout[f"yaxis{'' if k == 1 else k}"].domain for k in (1, 2, 3)]
    assert all(a[0] > b[1] for a, b in itertools.pairwise(domains))
    assert all(fig.layout[f"xaxis{'' if k == 1 else k}"].domain == (0, 1) for k in (1, 2, 3))
    curves = figs.fig_symmetry_curves(
        {i: r.loss for i, r in runs.items()}, {i: r.distinctness for i, r in runs.items()}, tr
    )
    assert len(curves) == 2
    for part, key in zip(
        curves, ("init.fig.sym_loss_title", "init.fig.sym_spread_title"), strict=True
    ):
        assert figure_finite(part)
        assert titled(part)
        assert part.layout.title.text == tr(key)
    grid = np.linspace(-2, 2, 11)
    plane = np.column_stack([np.repeat(grid, 11), np.tile(grid, 11)])
    fits = figs.fig_symmetry_fits(
        grid, {i: r.predict(plane).reshape(11, 11) for i, r in runs.items()}, runs["zeros"].x,
        runs["zeros"].y, tr,
    )  # fmt: skip
    assert len(fits) == 3
    for part, init in zip(fits, runs, strict=True):
        assert figure_finite(part)
        assert titled(part)
        assert part.layout.title.text == tr(f"init.sym.{init}")


def test_training_figure_has_one_colour_per_scheme(tr):
    runs = {s: initialization.train_deep(s, "tanh", 3, 8, 20) for s in ("he_normal", "zeros")}
    loss, accuracy = figs.fig_training(
        {s: r.loss for s, r in runs.items()}, {s: r.accuracy for s, r in runs.items()}, tr
    )
    for fig in (loss, accuracy):
        assert {t.line.color for t in fig.data} == {color("he_normal"), color("zeros")}
        assert figure_finite(fig)
        assert titled(fig)
    assert loss.layout.yaxis.type == "log"
    assert loss.layout.title.text == tr("init.fig.train_loss_title")
    assert accuracy.layout.title.text == tr("init.fig.train_acc_title")
    assert accuracy.layout.yaxis.range[0] == 0  # a chance accuracy of 30 % stays on the chart


def test_korean_figures_are_translated():
    tr = translator("ko")
    loss, accuracy = figs.fig_training(
        {"he_normal": np.array([0.7, 0.5])}, {"he_normal": np.ones(2)}, tr
    )
    assert loss.data[0].name == "He 정규분포"
    assert accuracy.layout.yaxis.title.text == "정확도"


def test_init_table_lists_every_scheme_with_its_latex_and_marks_the_picked(tr):
    text = figs.init_table(("he_normal",), initialization.every_scheme(256, 256), 256, tr)
    for name in initialization.SCHEMES:
        assert initialization.LATEX[name] in text
    assert f"● {tr('init.scheme.he_normal')}" in text
    assert "0.08839" in text  # He σ = √(2/256)
    assert "0.1083" in text  # LeCun and Xavier bound √(3/256) at n_in = n_out


def test_thumbnail_is_small_static_and_finite():
    data = topic.thumbnail_data()
    assert set(data) == set(figs.THUMB_SCHEMES)
    fig = figs.fig_thumbnail(data)
    assert fig.layout.height == 150
    # A compact legend in the lower left, names that read the same in both languages.
    assert fig.layout.showlegend is True
    assert [t.name for t in fig.data] == ["0.01·N(0, 1)", "N(0, 1)", "Xavier"]
    assert fig.layout.legend.x < 0.1
    assert fig.layout.legend.y < 0.1
    assert fig.layout.yaxis.type == "log"
    # The lower left is free: every curve's first point sits above the legend's rows.
    assert min(float(v[0]) for v in data.values()) > 10 * min(float(v[-1]) for v in data.values())
    assert figure_finite(fig)


def test_histograms_of_a_propagation_pick_its_activations_or_its_gradients(runs):
    p = runs["xavier_normal"]
    act = figs.Histograms.of(p, "activation")
    grad = figs.Histograms.of(p, "gradient")
    np.testing.assert_array_equal(act.density, p.density)
    np.testing.assert_array_equal(act.std, p.table["activation_std"].to_numpy())
    np.testing.assert_array_equal(grad.edges, p.gradient_edges)
    np.testing.assert_array_equal(grad.outside, p.gradient_outside)
    np.testing.assert_array_equal(grad.std, p.table["gradient_std"].to_numpy())


def test_symmetry_and_training_charts_from_core_results_match_the_builders(tr):
    experiment = initialization.symmetry_experiment(20, 0.5, 0)
    weights, (loss, _spread), fits = figs.fig_symmetry(experiment, tr)
    runs = experiment.runs
    assert weights == figs.fig_symmetry_weights(
        {i: r.units for i, r in runs.items()}, experiment.steps, tr
    )
    assert len(fits) == len(runs)
    assert loss.data[0].name == tr(f"init.sym.{initialization.SYMMETRY_INITS[0]}")
    deep = {s: initialization.train_deep(s, "tanh", 3, 8, 10) for s in ("he_normal", "zeros")}
    loss, accuracy = figs.fig_training_runs(deep, tr)
    np.testing.assert_array_equal(loss.data[0].y, deep["he_normal"].loss)
    assert accuracy.data[1].name == tr("init.scheme.zeros")


def test_the_figure_module_loads_neither_streamlit_nor_core():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(figs.__file__).read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert not imported & {"streamlit", "core"}
    assert "ui.i18n" not in {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

"""The Activations page's figures: each lesson the page states, asserted on the data it draws."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

from core import activations, gradient_flow, maxout
from ui.figures import activations as figs
from ui.formatting import format_fixed, format_share
from ui.strings import translator
from ui.theme import ACTIVATION_COLORS, ACTIVATION_DASHES
from ui.topics import ROOT
from ui.topics import activations as topic

TR = translator("en")
X = np.linspace(-6.0, 6.0, 801)  # the page's default x range and grid
THRESHOLD = 0.05


def trace(fig, meta):
    found = [t for t in fig.data if t.meta == meta]
    assert len(found) == 1, meta
    return found[0]


def curves(names, threshold=THRESHOLD):
    """What the page draws at its default x range (±6, the grid X)."""
    return {n: activations.curves(activations.get(n), 6.0, threshold) for n in names}


def depth_figures(names, mu, sigma, depth):
    results = {n: gradient_flow.through_depth(activations.get(n), mu, sigma, depth) for n in names}
    return figs.fig_expected(results, TR), figs.fig_alive(results, TR)


# --- the notes' slips (item 9) -----------------------------------------------------------------


def test_identity_overlay_lands_on_tanh_and_the_notes_version_does_not():
    fig = figs.fig_function(
        curves(["sigmoid", "tanh"]), TR, identity=activations.tanh_identity(6.0)
    )
    tanh = np.asarray(trace(fig, "tanh").y)
    sigmoid = np.asarray(trace(fig, "sigmoid").y)
    right = np.asarray(trace(fig, "tanh_from_sigmoid").y)
    wrong = np.asarray(trace(fig, "misremembered").y)
    # 2σ(2x) − 1, computed from the sigmoid curve itself at 2x, is tanh to rounding.
    # The circles sit on tanh's own curve (every few grid points, so tanh shows through).
    on_grid = np.searchsorted(X, np.asarray(trace(fig, "tanh_from_sigmoid").x))
    assert len(on_grid) > 40
    np.testing.assert_allclose(right, tanh[on_grid], atol=1e-15)
    np.testing.assert_allclose(2 * activations.get("sigmoid").forward(2 * X) - 1, tanh, atol=1e-15)
    np.testing.assert_allclose(wrong, 2 * sigmoid - 1, atol=1e-15)
    assert np.max(np.abs(wrong - tanh)) > 0.2


def test_no_overlay_unless_asked():
    fig = figs.fig_function(curves(["tanh"]), TR)
    assert [t.meta for t in fig.data] == ["tanh"]


def test_slope_chart_marks_sigmoid_quarter_and_tanh_one_both_at_zero():
    fig = figs.fig_derivative(curves(["sigmoid", "tanh", "relu"]), THRESHOLD, TR)
    peaks = trace(fig, "peaks")
    assert list(peaks.x) == [0.0, 0.0]
    assert list(peaks.y) == pytest.approx([0.25, 1.0], abs=1e-15)
    assert max(trace(fig, "sigmoid").y) == pytest.approx(0.25, abs=1e-15)
    assert max(trace(fig, "tanh").y) == pytest.approx(1.0, abs=1e-15)
    # "tanh' stays between 0 and ½" is wrong on the chart's own curve.
    assert np.mean(np.asarray(trace(fig, "tanh").y) > 0.5) > 0.05
    assert [a.text for a in fig.layout.annotations] == ["max 0.25 at 0", "max 1 at 0"]


# --- curves.md -------------------------------------------------------------------------------


def test_sigmoid_saturates_on_both_sides_at_the_default_threshold():
    drawn = curves(["sigmoid"])
    (left, right) = drawn["sigmoid"].saturated
    assert left[0] == X[0]
    assert left[1] < 0
    assert right[1] == X[-1]
    assert right[0] > 0
    fig = figs.fig_derivative(drawn, THRESHOLD, TR)
    assert len(fig.layout.shapes) == 3  # the grey threshold band and both shaded tails


def test_relu_slope_is_exactly_zero_on_the_left_while_leaky_relu_and_elu_keep_one():
    fig = figs.fig_derivative(curves(["relu", "leaky_relu", "elu"]), THRESHOLD, TR)
    left = X < 0
    assert np.all(np.asarray(trace(fig, "relu").y)[left] == 0)
    assert np.all(np.asarray(trace(fig, "leaky_relu").y)[left] > 0)
    assert np.all(np.asarray(trace(fig, "elu").y)[left] > 0)


# --- colours (item 10) -----------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009) at severity 1, on linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _linear_rgb(hex_color):
    c = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    t = xyz @ rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_every_activation_has_a_colour_and_a_dash_of_its_own():
    assert set(ACTIVATION_COLORS) == set(activations.NAMES) == set(ACTIVATION_DASHES)
    assert len(set(ACTIVATION_COLORS.values())) == len(activations.NAMES)
    for a, b in itertools.combinations(activations.NAMES, 2):
        distance = np.linalg.norm(
            _lab(_linear_rgb(ACTIVATION_COLORS[a])) - _lab(_linear_rgb(ACTIVATION_COLORS[b]))
        )
        assert distance > 25, (a, b, distance)  # CIE76 ΔE: clearly different hues


@pytest.mark.parametrize("vision", CVD)
def test_activations_a_colour_blind_reader_could_confuse_differ_in_dash(vision):
    matrix = np.array(CVD[vision])
    seen = {n: _lab(np.clip(matrix @ _linear_rgb(c), 0, 1)) for n, c in ACTIVATION_COLORS.items()}
    for a, b in itertools.combinations(activations.NAMES, 2):
        if np.linalg.norm(seen[a] - seen[b]) < 15:
            assert ACTIVATION_DASHES[a] != ACTIVATION_DASHES[b], (vision, a, b)


# --- depth.md and the home card (item 5) -------------------------------------------------------


def test_sigmoid_expected_factor_stays_under_a_quarter_per_layer_below_1e6_after_10():
    for mu, sigma in [(0.0, 1.0), (-1.0, 1.0), (0.0, 0.1), (2.0, 3.0)]:
        expected, _ = depth_figures(["sigmoid"], mu, sigma, 20)
        y = np.asarray(trace(expected, "sigmoid").y)
        bound = np.asarray(trace(expected, "quarter").y)
        assert np.all(y <= bound * (1 + 1e-12))
        assert y[9] < 1e-6


def test_relu_expected_factor_is_half_per_layer_at_mu_zero_while_live_paths_pass_one():
    expected, alive = depth_figures(["relu"], 0.0, 1.0, 20)
    y = np.asarray(trace(expected, "relu").y)
    np.testing.assert_allclose(y, 0.5 ** np.arange(1, 21), rtol=0.02)
    np.testing.assert_allclose(trace(alive, "relu").y, y, rtol=1e-12)  # every live path passes 1
    np.testing.assert_array_equal(trace(alive, "relu").customdata, 1.0)


def test_at_mu_minus_one_30_layers_relu_and_leaky_relu_vanish_leaky_larger_and_never_cut():
    expected, alive = depth_figures(["sigmoid", "relu", "leaky_relu"], -1.0, 1.0, 30)
    relu = trace(expected, "relu").y[-1]
    leaky = trace(expected, "leaky_relu").y[-1]
    sigmoid = trace(expected, "sigmoid").y[-1]
    assert relu == pytest.approx(1.0e-24, rel=0.1)  # the text's "about 10⁻²⁴"
    assert leaky == pytest.approx(5e-24, rel=0.1)  # and "about 5 × 10⁻²⁴"
    assert leaky > 2 * relu
    assert sigmoid > relu  # "less than sigmoid"
    assert trace(alive, "leaky_relu").y[-1] == 1.0
    assert trace(alive, "relu").y[-1] < 1e-20
    dead = gradient_flow.dead_fraction(activations.get("relu"), -1.0, 1.0)
    assert format_share(dead) == "84%"
    assert gradient_flow.dead_fraction(activations.get("leaky_relu"), -1.0, 1.0) == 0.0


# --- output.md -------------------------------------------------------------------------------


def output_figure(names, mu, sigma):
    dists = {n: gradient_flow.output_distribution(activations.get(n), mu, sigma) for n in names}
    return figs.fig_output_distribution(dists, TR), dists


def _mass(t):
    centres = np.asarray(t.x)
    width = centres[1] - centres[0]
    return centres, np.asarray(t.y) * width


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_raising_sigma_piles_sigmoid_and_tanh_at_their_bounds(name):
    outer = []
    for sigma in (1.0, 3.0):
        fig, _ = output_figure([name], 0.0, sigma)
        centres, mass = _mass(trace(fig, name))
        lo, hi = (0.0, 1.0) if name == "sigmoid" else (-1.0, 1.0)
        near = (centres < lo + 0.1 * (hi - lo)) | (centres > hi - 0.1 * (hi - lo))
        middle = np.abs(centres - 0.5 * (lo + hi)) < 0.1 * (hi - lo)
        outer.append((mass[near].sum(), mass[near].max() / mass[middle].max()))
    assert outer[1][0] > 2 * outer[0][0]  # the outer fifth of the range holds far more mass
    assert outer[1][1] > 3 > outer[0][1]  # and its bins tower over the middle's
    saturated = [
        gradient_flow.saturated_mass(activations.get(name), 0.0, s, 0.05) for s in (1.0, 3.0)
    ]
    assert saturated[1] > saturated[0] + 0.3  # the percentage beside the chart rises too


def test_relu_output_keeps_half_its_mass_at_exactly_zero():
    fig, _ = output_figure(["relu"], 0.0, 1.0)
    centres, mass = _mass(trace(fig, "relu"))
    assert 0.5 <= mass[np.argmin(np.abs(centres))] < 0.53  # the point mass ½ and a sliver


def test_sigmoid_mean_sits_at_one_half_and_tanh_mean_at_zero_by_default():
    fig, dists = output_figure(["sigmoid", "tanh"], 0.0, 1.0)
    means = [s.x0 for s in fig.layout.shapes[1:]]
    assert means == pytest.approx([0.5, 0.0], abs=1e-12)
    assert format_fixed(dists["tanh"].mean) == "0.000"


# --- maxout.md -------------------------------------------------------------------------------


def maxout_figures(target, k):
    fits = maxout.maxout_sweep(target, 10)
    return figs.fig_maxout_fit(fits[k - 1], TR), figs.fig_maxout_error(fits, k, TR)


def test_relu_is_maxout_with_two_pieces():
    fit, error = maxout_figures("relu", 2)
    np.testing.assert_allclose(trace(fit, "fit").y, trace(fit, "target").y, atol=1e-9)
    assert error.data[0].y[1] < 1e-12 * 10


@pytest.mark.parametrize("target", [n for n, t in maxout.TARGETS.items() if t.convex])
def test_more_pieces_fit_a_convex_target_better(target):
    _, error = maxout_figures(target, 3)
    mse = np.asarray(error.data[0].y)
    assert np.all(np.diff(mse) <= 1e-12)
    assert mse[-1] < mse[0] / 10 or mse[0] <= 1e-12


def test_one_maxout_unit_cannot_bend_down_for_sine():
    fit, error = maxout_figures("sine", 10)
    assert min(error.data[0].y) > 0.05
    y_hat = np.asarray(trace(fit, "fit").y)
    assert np.all(np.diff(y_hat, 2) >= -1e-9)  # the fit stays convex


# --- the home card (numbers, item 11: tests/ui/test_formatting.py) ----------------------------


def test_thumbnail_labels_each_curve_in_its_colour():
    fig = topic.thumbnail()
    labels = {a.text: a.font.color for a in fig.layout.annotations}
    assert labels == {
        "<b>Sigmoid</b>": ACTIVATION_COLORS["sigmoid"],
        "<b>tanh</b>": ACTIVATION_COLORS["tanh"],
        "<b>ReLU</b>": ACTIVATION_COLORS["relu"],
    }
    for t in fig.data:
        assert t.line.color in ACTIVATION_COLORS.values()


def test_every_figure_is_one_panel():
    drawn = curves(activations.NAMES)
    built = [
        figs.fig_function(drawn, TR),
        figs.fig_derivative(drawn, THRESHOLD, TR),
        *depth_figures(activations.NAMES, 0.0, 1.0, 20),
        output_figure(activations.NAMES, 0.0, 1.0)[0],
        *maxout_figures("square", 3),
    ]
    for fig in built:
        layout = fig.to_plotly_json()["layout"]
        assert "xaxis2" not in layout
        assert "yaxis2" not in layout
        assert fig.layout.title.text
        assert fig.layout.xaxis.title.text
        assert fig.layout.yaxis.title.text


def test_relu_spike_at_zero_holds_every_inactive_input_for_any_mu():
    for mu in (-1.0, 0.5):
        fig, _ = output_figure(["relu"], mu, 1.0)
        centres, mass = _mass(trace(fig, "relu"))
        inactive = gradient_flow.dead_fraction(activations.get("relu"), mu, 1.0)
        assert mass[np.argmin(np.abs(centres))] >= inactive - 1e-9


# --- the properties table, and what the module loads -------------------------------------------


def test_the_properties_table_reads_in_words_with_the_picked_ones_dotted():
    table = gradient_flow.properties_table({n: activations.get(n) for n in ("sigmoid", "tanh")})
    shown = figs.table_properties(table, ("tanh",), TR).set_index("Activation")
    assert list(shown.index) == ["Sigmoid", "● tanh"]
    assert shown.loc["Sigmoid", "max f′"] == "0.25"
    assert shown.loc["Sigmoid", "Zero-centred"] == "✗"
    assert shown.loc["● tanh", "Zero-centred"] == "✓"
    assert shown.loc["Sigmoid", "Saturates"] == "both sides"
    assert shown.loc["● tanh", "Mean of f(z), z ~ N(0, 1)"] == "0.000"
    assert shown.loc["● tanh", "Compute cost"] == "medium (exp or tanh)"


def test_the_figure_module_loads_neither_streamlit_nor_core():
    probe = (
        "import sys, ui.figures.activations; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'core')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"

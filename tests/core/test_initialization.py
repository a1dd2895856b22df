"""core.initialization.propagation against the reference pass, and the lessons the page states."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from initialization_cases import (
    ELU_AS_RELU,
    HYPOTHESIS,
    KERNEL_CASES,
    NONZERO,
    ZERO_AT_ZERO,
    kernel_ids,
    strict,
)

from core import activations
from core.initialization import (
    COLUMNS,
    GRADIENT_RANGE,
    MAX_CELLS,
    SCHEMES,
    VALUE_CEILING,
    bound,
    histogram_range,
    predicted_std,
    propagate,
    propagate_with_histograms,
    reached_ceiling,
    reference,
    sample,
    standard_normals,
    std,
    train_deep,
)
from core.initialization.propagation import _batchnorm_backward, _batchnorm_forward
from core.initialization.reference import batchnorm_forward, forward_backward, reference_pass
from core.initialization.scaled import activate as _activate

KERNEL_CASES = [*KERNEL_CASES, ELU_AS_RELU]
KERNEL_IDS = kernel_ids(KERNEL_CASES)


# --- propagate against the float64 reference -----------------------------------------------


def rms(x):
    return float(np.sqrt(np.mean(np.square(x))))


def reference_table(p, act):
    """The expected table (the reference's definition of it), plus each statistic's natural
    scale (for a float32 tolerance)."""
    batch = p.h[0].shape[0]
    scales = [
        {
            "activation_mean": rms(p.h[k + 1]),
            "activation_std": rms(p.h[k + 1]),
            "preactivation_std": rms(p.z[k]),
            "gradient_std": rms(p.dh[k]),
            "weight_gradient_std": rms(p.h[k]) * rms(p.dz[k]) * math.sqrt(batch),
        }
        for k in range(len(p.z))
    ]
    return reference.table(p, act), pd.DataFrame(scales)


def draw_normals(rng, shape):
    return standard_normals(rng, np.empty(shape, dtype=np.float32)).astype(np.float64)


def assert_matches_reference(table, expected, scales):
    """float32 against float64: 3e-5 relative plus 3e-6 of each statistic's natural scale
    (a mathematically zero statistic is float32 rounding noise on that scale)."""
    assert list(table["layer"]) == list(expected["layer"])
    for column in scales.columns:
        tolerance = 3e-5 * expected[column].abs() + 3e-6 * scales[column]
        error = (table[column] - expected[column]).abs()
        assert (error <= tolerance).all(), (column, error.max())
    size = expected.attrs.get("size", 1)
    for column in ("saturated_fraction", "dead_fraction"):
        # A value within float32 rounding of a threshold may land on either side.
        np.testing.assert_allclose(table[column], expected[column], atol=2.0 / size)


def check_against_reference(scheme, name, depth, width, batch, seed, bn, **params):
    act = activations.get(name, **params)
    p = reference_pass(scheme, act, depth, width, batch, seed, bn)
    expected, scales = reference_table(p, act)
    expected.attrs["size"] = batch * width
    with strict():
        table = propagate(
            scheme, act, depth, width, batch, seed, batchnorm=bn, weight_gradients=True
        )
    assert_matches_reference(table, expected, scales)


# --- batchnorm ----------------------------------------------------------------------------------


def test_batchnorm_backward_matches_finite_differences_of_the_loss():
    rng = np.random.default_rng(6)
    z = rng.standard_normal((5, 3)) * [1.0, 0.01, 30.0] + [0.0, 2.0, -5.0]
    u = rng.standard_normal((5, 3))

    def loss(zz):
        zz = zz.copy()
        _batchnorm_forward(zz, 0)
        return float(np.sum(zz * u))

    xhat = z.copy()
    inv = _batchnorm_forward(xhat, 0)
    grad = u.copy()
    _batchnorm_backward(grad, xhat, inv, np.empty_like(grad))
    step = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[idx] = step
        numeric[idx] = (loss(z + e) - loss(z - e)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=0), 0.0, atol=1e-10)  # shifts don't change L


def test_batchnorm_of_scaled_input_matches_true_units_eps_included():
    rng = np.random.default_rng(7)
    z = rng.standard_normal((6, 4)) * 1e-3  # variance near eps, where eps matters
    expected, _ = batchnorm_forward(z)
    for exponent in (-40, 0, 37):
        scaled = z * 2.0**-exponent
        _batchnorm_forward(scaled, exponent)
        np.testing.assert_allclose(scaled, expected, rtol=1e-12)


# --- propagate against the reference ------------------------------------------------------------


def test_reference_gradients_match_finite_differences():
    # The reference validates propagate, so it is itself checked by finite differences of L.
    act = activations.get("tanh")
    rng = np.random.default_rng(8)
    x, u = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    ws = [rng.standard_normal((3, 3)) for _ in range(3)]
    for bn in (False, True):
        p = forward_backward(act, x, ws, u, bn)
        for k in range(3):
            numeric = np.zeros((3, 3))
            for idx in np.ndindex(3, 3):
                shifted = [w.copy() for w in ws]
                shifted[k][idx] += 1e-6
                up = forward_backward(act, x, shifted, u, bn).loss
                shifted[k][idx] -= 2e-6
                down = forward_backward(act, x, shifted, u, bn).loss
                numeric[idx] = (up - down) / 2e-6
            np.testing.assert_allclose(p.dw[k], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("name", activations.NAMES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_propagate_matches_the_float64_reference(scheme, name, bn):
    check_against_reference(scheme, name, 6, 24, 40, 3, bn)


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES[10:], ids=KERNEL_IDS[10:])
def test_propagate_honours_activation_parameters(name, params):
    check_against_reference("he_normal", name, 5, 16, 32, 4, False, **params)


@pytest.mark.parametrize(
    ("scheme", "name"),
    [("standard_normal", n) for n in ("elu", "selu", "gelu", "silu", "softplus", "relu")]
    + [("small_normal", n) for n in ("tanh", "elu", "selu", "gelu", "silu", "sigmoid")],
)
def test_propagate_matches_the_reference_where_scales_leave_float32(scheme, name):
    # 60 layers of width 32 take the scale past 2^±100, into the asymptotic evaluation.
    check_against_reference(scheme, name, 60, 32, 50, 5, False)


@pytest.mark.parametrize(
    ("scheme", "name", "bn"),
    [
        ("he_normal", "relu", False),
        ("xavier_normal", "tanh", True),
        ("lecun_normal", "gelu", False),
    ],
)
def test_float32_propagate_matches_float64_at_a_realistic_size(scheme, name, bn):
    check_against_reference(scheme, name, 12, 256, 256, 9, bn)


@pytest.mark.parametrize(("name", "bn"), [("relu", False), ("tanh", True), ("linear", False)])
def test_weight_gradients_add_their_column_and_change_nothing_else(name, bn):
    plain = propagate("he_normal", name, 6, 24, 16, 3, batchnorm=bn)
    full = propagate("he_normal", name, 6, 24, 16, 3, batchnorm=bn, weight_gradients=True)
    assert tuple(full.columns) == COLUMNS
    pd.testing.assert_frame_equal(full.drop(columns="weight_gradient_std"), plain)
    with pytest.raises(ValueError, match="weight_gradients"):
        propagate("he_normal", name, 6, 24, 16, 3, weight_gradients="yes")


def test_table_has_one_row_per_layer_and_the_contracted_columns():
    table = propagate("he_normal", "relu", 7, 16, 8, 0)
    assert tuple(table.columns) == COLUMNS[:-1]
    assert COLUMNS[-1] == "weight_gradient_std"
    assert {"layer", "activation_mean", "activation_std", "gradient_std"} <= set(table.columns)
    assert list(table["layer"]) == list(range(1, 8))
    assert table["layer"].dtype == np.int64


def test_last_gradient_std_is_the_std_of_u():
    table = propagate("xavier_uniform", "tanh", 4, 32, 64, 11)
    rng = np.random.default_rng(11)
    draw_normals(rng, (64, 32))
    for _ in range(4):
        sample("xavier_uniform", 32, 32, rng)
    u = draw_normals(rng, (64, 32))
    assert table["gradient_std"].iloc[-1] == pytest.approx(u.std(), rel=1e-6)


# --- propagate: closed forms ----------------------------------------------------------------


@pytest.mark.parametrize("scheme", NONZERO)
def test_linear_activation_std_grows_by_sqrt_n_sigma_per_layer(scheme):
    width, batch, depth = 256, 512, 8
    table = propagate(scheme, "linear", depth, width, batch, 12)
    gain = math.sqrt(width) * std(scheme, width, width)
    act_std = table["activation_std"].to_numpy()
    # One realisation: per layer the squared norm scatters by ~√(2/(width·rank)) ≈ 0.6 %.
    np.testing.assert_allclose(act_std[0], gain, rtol=0.03)
    np.testing.assert_allclose(act_std[1:] / act_std[:-1], gain, rtol=0.03)
    np.testing.assert_allclose(table["preactivation_std"], act_std, rtol=1e-6)


@pytest.mark.parametrize("scheme", NONZERO)
def test_linear_gradient_std_grows_by_sqrt_n_sigma_per_layer_backward(scheme):
    width, batch, depth = 256, 512, 8
    table = propagate(scheme, "linear", depth, width, batch, 13)
    gain = math.sqrt(width) * std(scheme, width, width)
    grad_std = table["gradient_std"].to_numpy()
    assert grad_std[-1] == pytest.approx(1.0, abs=6 / math.sqrt(2 * width * batch))
    np.testing.assert_allclose(grad_std[:-1] / grad_std[1:], gain, rtol=0.03)


def test_standard_normal_linear_survives_fifty_layers_of_22x_growth():
    # 22.6⁵⁰ ≈ 1e68 overflows float32 30 layers in: the exponent bookkeeping must carry it.
    with strict():
        table = propagate("standard_normal", "linear", 50, 512, 64, 14)
    log_std = np.log10(table["activation_std"].to_numpy())
    np.testing.assert_allclose(np.diff(log_std), math.log10(math.sqrt(512)), atol=0.02)
    assert table["activation_std"].iloc[-1] == pytest.approx(512**25, rel=0.3)
    assert np.log10(table["gradient_std"].iloc[0]) == pytest.approx(
        49 * math.log10(512) / 2, abs=0.3
    )


def test_small_normal_relu_decays_below_float32_range_and_stays_accurate():
    with strict():
        table = propagate("small_normal", "relu", 50, 512, 64, 15)
    predicted = predicted_std("small_normal", "relu", 50, 512)
    assert 0 < table["activation_std"].iloc[-1] < 1e-38
    ratio = table["activation_std"] / predicted["activation_std"]
    assert ratio.between(0.5, 2.0).all()


def test_statistics_saturate_at_the_ceiling_instead_of_overflowing():
    act = activations.get("leaky_relu", negative_slope=-1e5)  # ×7e4 per layer
    with strict():
        result = propagate_with_histograms("standard_normal", act, 100, 16, 16, 16)
    table = result.table
    assert np.all(np.isfinite(table.drop(columns="layer").to_numpy()))
    assert table["activation_std"].iloc[-1] == VALUE_CEILING
    assert table["gradient_std"].iloc[0] == VALUE_CEILING
    assert result.outside[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("name", activations.NAMES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_and_activation_is_finite_at_depth_50(scheme, name, bn):
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        table = propagate(scheme, name, 50, 64, 64, 17, batchnorm=bn)
    values = table.drop(columns="layer").to_numpy()
    assert np.all(np.isfinite(values))
    assert np.all(values[:, 1:] >= 0)  # every column but the mean is a std or a share
    assert np.all(table[["saturated_fraction", "dead_fraction"]].to_numpy() <= 1)


@HYPOTHESIS
@given(
    scheme=st.sampled_from(SCHEMES),
    name=st.sampled_from(activations.NAMES),
    depth=st.integers(1, 30),
    width=st.integers(1, 12),
    batch=st.integers(2, 12),
    seed=st.integers(0, 2**32),
    bn=st.booleans(),
)
def test_any_small_network_gives_finite_statistics(scheme, name, depth, width, batch, seed, bn):
    with strict():
        table = propagate(scheme, name, depth, width, batch, seed, batchnorm=bn)
    assert len(table) == depth
    assert np.all(np.isfinite(table.drop(columns="layer").to_numpy()))


# --- propagate: zeros, dead and saturated units -------------------------------------------------


@pytest.mark.parametrize("name", ZERO_AT_ZERO)
def test_zero_weights_with_f0_zero_give_zero_activations_and_gradients(name):
    table = propagate("zeros", name, 5, 16, 32, 18, weight_gradients=True)
    assert (table["activation_mean"] == 0).all()
    assert (table["activation_std"] == 0).all()
    assert (table["preactivation_std"] == 0).all()
    assert (table["gradient_std"].iloc[:-1] == 0).all()
    assert table["gradient_std"].iloc[-1] > 0  # ∂L/∂h_depth = u
    assert (table["weight_gradient_std"] == 0).all()  # h_{l−1} = 0 or ∂L/∂z_l = 0


@pytest.mark.parametrize("name", ["sigmoid", "softplus"])
def test_zero_weights_with_f0_nonzero_only_train_the_last_layer(name):
    table = propagate("zeros", name, 5, 16, 32, 19, weight_gradients=True)
    f0 = float(activations.get(name).forward(0.0))
    np.testing.assert_allclose(table["activation_mean"], f0, rtol=1e-6)
    assert (table["activation_std"] == 0).all()
    assert (table["gradient_std"].iloc[:-1] == 0).all()
    assert (table["weight_gradient_std"].iloc[:-1] == 0).all()
    # ∂L/∂W_depth = f(0)·1ᵀ(u ⊙ f'(0)): the same for every input row, non-zero.
    assert table["weight_gradient_std"].iloc[-1] > 0


def test_zero_weights_leave_every_relu_dead():
    table = propagate("zeros", "relu", 4, 8, 8, 20)
    assert (table["dead_fraction"] == 1).all()  # relu'(0) = 0, as autograd has it
    assert (table["saturated_fraction"] == 1).all()


def test_he_relu_kills_about_half_the_units():
    table = propagate("he_normal", "relu", 10, 256, 256, 21)
    # Per layer the share scatters: z's column means are random offsets of ReLU's mean.
    assert table["dead_fraction"].mean() == pytest.approx(0.5, abs=0.03)
    np.testing.assert_allclose(table["dead_fraction"], 0.5, atol=0.1)
    np.testing.assert_array_equal(table["saturated_fraction"], table["dead_fraction"])


def test_large_tanh_weights_saturate_most_units_without_killing_any():
    table = propagate("standard_normal", "tanh", 10, 256, 256, 22)
    assert (table["saturated_fraction"].iloc[1:] > 0.8).all()
    assert (table["dead_fraction"] == 0).all()  # |z| ~ 16 is nowhere near 372


def test_exploding_elu_counts_underflowed_derivatives_as_dead():
    # With |z| ≫ 745 on the negative side, the registry's f'(z) = α·e^z is exactly 0.
    table = propagate("standard_normal", "elu", 40, 64, 64, 23)
    assert table["dead_fraction"].iloc[-1] == pytest.approx(0.5, abs=0.1)
    assert table["dead_fraction"].iloc[0] == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "gelu", "softplus"])
@pytest.mark.parametrize("exponent", [-300, 0, 300])
def test_an_all_zero_input_gives_f0_at_any_scale(name, exponent):
    act = activations.get(name)
    a = np.zeros((4, 3), dtype=np.float32)
    f, df = np.empty_like(a), np.empty_like(a)
    scratch = tuple(np.empty_like(a) for _ in range(4))
    mask = np.empty(a.shape, dtype=bool)
    with strict():
        done = _activate(act, a, exponent, 0.0, (f, df, scratch, mask), may_overwrite=True)
    np.testing.assert_allclose(f * 2.0**done.exponent, act.forward(0.0), rtol=1e-6)
    np.testing.assert_allclose(done.df, act.derivative(0.0), rtol=1e-6)


# --- propagate: arguments and determinism -------------------------------------------------------


def test_same_seed_gives_identical_tables_and_another_seed_does_not():
    a = propagate("he_uniform", "gelu", 6, 32, 32, 24, batchnorm=True)
    pd.testing.assert_frame_equal(a, propagate("he_uniform", "gelu", 6, 32, 32, 24, batchnorm=True))
    b = propagate("he_uniform", "gelu", 6, 32, 32, 25, batchnorm=True)
    assert not np.allclose(a["activation_std"], b["activation_std"])


def test_activation_objects_and_names_are_interchangeable():
    by_name = propagate("he_normal", "elu", 4, 16, 16, 26)
    by_object = propagate("he_normal", activations.get("elu"), 4, 16, 16, 26)
    pd.testing.assert_frame_equal(by_name, by_object)
    other = propagate("he_normal", activations.get("elu", alpha=0.2), 4, 16, 16, 26)
    assert not np.allclose(by_name["activation_mean"], other["activation_mean"])


def test_unknown_activation_lists_the_valid_choices():
    with pytest.raises(ValueError, match="unknown activation 'swish'") as info:
        propagate("he_normal", "swish", 2, 4, 4, 0)
    assert all(name in str(info.value) for name in activations.NAMES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, r"depth must be in \[1, 100\]"),
        ({"depth": 101}, r"depth must be in \[1, 100\]"),
        ({"depth": 2.0}, r"depth must be an integer"),
        ({"width": 0}, r"width must be in \[1, 2048\]"),
        ({"width": True}, r"width must be an integer"),
        ({"batch": 1}, r"batch must be in \[2, 8192\]"),
        ({"seed": -1}, r"seed must be in \[0, inf\)"),
        ({"depth": 100, "width": 2048, "batch": 200}, rf"depth·width·batch must be <= {MAX_CELLS}"),
        ({"batchnorm": "yes"}, r"batchnorm must be True or False"),
    ],
)
def test_bad_propagate_arguments_say_what_is_allowed(kwargs, message):
    args = {"depth": 3, "width": 4, "batch": 4, "seed": 0, "batchnorm": False} | kwargs
    with pytest.raises(ValueError, match=message):
        propagate("he_normal", "relu", **args)


# --- histograms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tanh", (-1.0, 1.0)),
        ("sigmoid", (0.0, 1.0)),
        ("relu", (0.0, 3.0)),
        ("linear", (-3.0, 3.0)),
        ("elu", (-1.0, 3.0)),
    ],
)
def test_histogram_range_covers_what_the_activation_can_reach(name, expected):
    lo, hi = histogram_range(name)
    assert lo == pytest.approx(expected[0], abs=1e-9)
    assert hi == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize("name", activations.NAMES)
def test_histograms_match_numpy_on_the_reference_values(name):
    act = activations.get(name)
    result = propagate_with_histograms("xavier_normal", act, 5, 32, 64, 27, bins=40)
    pd.testing.assert_frame_equal(result.table, propagate("xavier_normal", act, 5, 32, 64, 27))
    p = reference_pass("xavier_normal", act, 5, 32, 64, 27)
    size = 64 * 32
    for k in range(5):
        counts = np.histogram(p.h[k + 1], bins=result.edges)[0]
        # A value within float32 rounding of an edge may fall in the neighbouring bin.
        got = result.density[k] * np.diff(result.edges) * size
        assert np.abs(got - counts).sum() <= 4
        inside = counts.sum() / size
        assert result.outside[k] == pytest.approx(1 - inside, abs=2 / size)
        grads = np.histogram(p.dh[k], bins=result.gradient_edges)[0]
        got = result.gradient_density[k] * np.diff(result.gradient_edges) * size
        assert np.abs(got - grads).sum() <= 4


def test_histogram_shapes_and_normalisation():
    result = propagate_with_histograms("he_normal", "relu", 8, 32, 32, 28, bins=25)
    assert result.edges.shape == (26,)
    assert result.density.shape == (8, 25)
    assert result.gradient_density.shape == (8, 25)
    assert result.gradient_edges[0] == GRADIENT_RANGE[0]
    mass = (result.density * np.diff(result.edges)).sum(axis=1)
    np.testing.assert_allclose(mass, 1 - result.outside, atol=1e-12)
    assert np.all(result.density >= 0)


def test_small_tanh_init_collapses_to_zero_and_large_init_piles_up_at_the_ends():
    small = propagate_with_histograms("small_normal", "tanh", 10, 128, 128, 29, bins=51)
    centre = np.searchsorted(small.edges, 0.0, side="right") - 1  # the bin holding 0
    assert small.edges[centre] < 0 < small.edges[centre + 1]
    assert small.density[-1][centre] * np.diff(small.edges)[centre] > 0.99
    large = propagate_with_histograms("standard_normal", "tanh", 10, 128, 128, 29, bins=51)
    ends = large.density[-1][[0, -1]] * np.diff(large.edges)[[0, -1]]
    assert ends.sum() > 0.6


def test_far_regime_histogram_keeps_elus_negative_floor():
    # Past 2^100 the scaled h cannot hold ELU's −α next to 2^100; the histogram must still
    # show the negative half at −α, exactly as the float64 values have it.
    act = activations.get("elu")
    result = propagate_with_histograms("standard_normal", act, 60, 32, 50, 30, bins=20)
    p = reference_pass("standard_normal", act, 60, 32, 50, 30)
    counts = np.histogram(p.h[-1], bins=result.edges)[0]
    got = result.density[-1] * np.diff(result.edges) * p.h[-1].size
    np.testing.assert_allclose(got, counts, atol=0.5)
    assert counts[0] > 0.3 * p.h[-1].size


# --- lessons the page states, on the data its charts are drawn from -------------------------
# The page's defaults: tanh, 15 layers of 256, a batch of 256, seed 0; training 20 × 32, 200
# steps, lr 0.05.


def per_layer(values) -> float:
    """The geometric mean of l+1 / l over the layers: the factor per layer."""
    return float(np.exp(np.mean(np.diff(np.log(np.asarray(values, dtype=float))))))


def test_lesson_standard_normal_tanh_saturates_yet_its_gradient_explodes_backward():
    # histograms_tanh_gradient.md, takeaways.md: most units saturated, a typical one at
    # |z| ≈ 10 with f' ≈ 1e-8, but the gradient grows by √(n E[f'²]) ≈ 2.9 per layer backward.
    t = propagate("standard_normal", "tanh", 15, 256, 256, 0)
    assert t["saturated_fraction"].min() > 0.85
    typical = 0.6745 * t["preactivation_std"].to_numpy()  # median |z| of a centred normal
    assert np.all((typical > 9) & (typical < 12))
    assert np.all(1 - np.tanh(typical) ** 2 < 1e-7)
    backward = 1 / per_layer(t["gradient_std"])
    assert 2.6 < backward < 3.3
    z = np.linspace(-200, 200, 400_001)
    density = np.exp(-0.5 * (z / 16) ** 2) / (16 * np.sqrt(2 * np.pi))
    expected = np.sqrt(256 * np.sum((1 - np.tanh(z) ** 2) ** 2 * density) * (z[1] - z[0]))
    assert backward == pytest.approx(expected, rel=0.1)
    assert t["gradient_std"].iloc[0] > 1e6  # the table's "gradient std, layer 1"


def test_lesson_small_normal_tanh_shrinks_by_sqrt_n_times_001_both_ways():
    t = propagate("small_normal", "tanh", 15, 256, 256, 0)
    assert per_layer(t["activation_std"]) == pytest.approx(0.16, rel=0.05)
    assert 1 / per_layer(t["gradient_std"]) == pytest.approx(0.16, rel=0.05)
    assert t["activation_std"].iloc[-1] < 1e-10
    assert t["gradient_std"].iloc[0] < 1e-10


def test_lesson_xavier_tanh_keeps_a_wide_slowly_narrowing_distribution():
    t = propagate("xavier_normal", "tanh", 15, 256, 256, 0)
    std = t["activation_std"].to_numpy()
    assert std[-1] > 0.15
    assert np.all(np.diff(std) < 0)
    assert 0.85 < 1 / per_layer(t["gradient_std"]) < 1.0  # backward factor close to 1


@pytest.mark.parametrize(
    ("scheme", "factor"),
    [("xavier_normal", 1 / math.sqrt(2)), ("he_normal", 1.0), ("standard_normal", math.sqrt(128)),
     ("small_normal", 0.01 * math.sqrt(128))],
)  # fmt: skip
def test_lesson_relu_multiplies_std_by_sqrt_n_var_w_over_2_forward_and_backward(scheme, factor):
    # histograms_relu*.md, variance.md, the ReLU preset: Xavier loses 1/√2 a layer, He keeps it.
    t = propagate(scheme, "relu", 30, 256, 256, 0)
    assert per_layer(t["activation_std"]) == pytest.approx(factor, rel=0.05)
    assert 1 / per_layer(t["gradient_std"]) == pytest.approx(factor, rel=0.05)
    assert t["dead_fraction"].mean() == pytest.approx(0.5, abs=0.02)  # f' = 0 for about half


def test_lesson_batchnorm_rescues_bad_inits_and_makes_xavier_and_he_coincide():
    # batchnorm.md and the BN preset: healthy distributions and surviving gradients at every
    # depth for 0.01·N and N(0, 1); Xavier and He normal coincide; with ReLU at depth 30 the
    # gradient still grows toward the input.
    for scheme in ("small_normal", "standard_normal"):
        t = propagate(scheme, "tanh", 15, 256, 256, 0, True)
        assert t["activation_std"].between(0.5, 0.7).all()
        assert 1 < t["gradient_std"].iloc[0] < 10
    a = propagate("xavier_normal", "relu", 30, 256, 256, 0, True)
    b = propagate("he_normal", "relu", 30, 256, 256, 0, True)
    np.testing.assert_allclose(a["activation_std"], b["activation_std"], rtol=1e-3)
    np.testing.assert_allclose(a["gradient_std"], b["gradient_std"], rtol=2e-3)  # ε
    assert a["gradient_std"].iloc[0] > 100 * a["gradient_std"].iloc[-1]


def test_lesson_batchnorm_makes_the_network_far_less_sensitive_to_its_init():
    schemes = ("small_normal", "standard_normal", "xavier_normal", "he_normal")
    spread = {
        bn: np.ptp(
            [np.log10(propagate(s, "tanh", 15, 256, 256, 0, bn)["gradient_std"].iloc[0])
             for s in schemes]
        )
        for bn in (False, True)
    }  # fmt: skip
    assert spread[False] > 15
    assert spread[True] < 0.01


def test_lesson_flat_loss_of_log_2_with_accuracy_set_by_chance():
    # training.md and init.train_flat: at the defaults 0.01·N(0, 1)'s outputs are 0.5 to
    # ~27 decimals (loss log 2), yet their signs sort 87 % of the points; training never moves
    # that share, and another seed gives another one.
    run = train_deep("small_normal", "tanh", 20, 32, 200, 0.05, 0)
    np.testing.assert_allclose(run.loss, math.log(2), atol=1e-7)
    assert 0 < run.margin < 1e-20
    assert run.accuracy[0] == run.accuracy[-1] == pytest.approx(0.87)
    shares = {
        train_deep("small_normal", "tanh", 20, 32, 200, 0.05, s).accuracy[-1] for s in range(4)
    }
    assert min(shares) < 0.5 < max(shares)


def test_lesson_training_at_the_defaults():
    # training.md: N(0, 1)'s first steps are erratic; at 5 layers it trains well while 0.01·N
    # stays flat; with BatchNorm all three default schemes train.
    erratic = train_deep("standard_normal", "tanh", 20, 32, 200, 0.05, 0).loss[:10]
    assert (np.diff(erratic) > 0).sum() >= 3
    assert train_deep("standard_normal", "tanh", 5, 32, 200, 0.05, 0).loss[-1] < 0.1
    flat = train_deep("small_normal", "tanh", 5, 32, 200, 0.05, 0)
    assert abs(flat.loss[-1] - math.log(2)) < 1e-4
    for scheme in ("small_normal", "standard_normal", "xavier_normal"):
        run = train_deep(scheme, "tanh", 20, 32, 200, 0.05, 0, batchnorm=True)
        assert run.loss[-1] < 0.4, scheme
        plain = train_deep(scheme, "tanh", 20, 32, 200, 0.05, 0)
        assert run.loss[-1] < plain.loss[-1], scheme


def test_lesson_the_tanh_preset_vanishes_saturates_and_keeps():
    # init.preset.tanh_help: at 15 tanh layers activations vanish (0.01·N), saturate (N(0, 1))
    # or keep their scale (Xavier).
    small, large, xavier = (propagate(s, "tanh", 15, 256, 256, 0) for s in (
        "small_normal", "standard_normal", "xavier_normal"))  # fmt: skip
    assert small["activation_std"].iloc[-1] < 1e-10
    assert large["saturated_fraction"].iloc[-1] > 0.85
    assert xavier["activation_std"].iloc[-1] > 0.15
    assert xavier["saturated_fraction"].iloc[-1] == 0


def test_lesson_a_bounded_activation_piles_up_at_the_ends_with_large_weights():
    # histograms_other.md: sigmoid with N(0, 1) puts most values at 0 or 1.
    t = propagate("standard_normal", "sigmoid", 15, 256, 256, 0)
    assert t["saturated_fraction"].min() > 0.7
    assert t["activation_std"].iloc[-1] > 0.4  # ~half at 0, half at 1


def test_lesson_pytorch_linear_default_is_a_third_of_lecuns_variance():
    # table.md: nn.Linear's U(−1/√n, 1/√n) against LeCun's σ² = 1/n.
    n = 256
    assert (1 / math.sqrt(n)) ** 2 / 3 == pytest.approx(std("lecun_uniform", n, n) ** 2 / 3)
    assert bound("lecun_uniform", n, n) == pytest.approx(math.sqrt(3) * std("lecun_normal", n, n))


@pytest.mark.parametrize("name", ["tanh", "relu", "linear"])
def test_lesson_batchnorm_rescues_both_bad_inits_whatever_the_activation(name):
    # batchnorm.md: whether they vanish, saturate or explode without BN, with BN 0.01·N and
    # N(0, 1) keep a healthy scale at every depth.
    for scheme in ("small_normal", "standard_normal"):
        t = propagate(scheme, name, 15, 256, 256, 0, True)
        assert t["activation_std"].between(0.3, 3).all(), (scheme, name)


def test_lesson_home_card_activations_vanish_or_explode_with_a_bad_init():
    # home.initialization_question: the page shows both, at its own settings.
    assert propagate("small_normal", "tanh", 15, 256, 256, 0)["activation_std"].iloc[-1] < 1e-10
    assert propagate("standard_normal", "relu", 15, 256, 256, 0)["activation_std"].iloc[-1] > 1e10
    # home.initialization_summary: zero, small, LeCun, Xavier and He are all offered.
    for prefix in ("zeros", "small_", "lecun_", "xavier_", "he_"):
        assert any(s.startswith(prefix) for s in SCHEMES)


def test_reached_ceiling_flags_a_clipped_activation_or_gradient_std():
    table = propagate("he_normal", "relu", 4, 16, 16, 0)
    assert not reached_ceiling(table)
    clipped = table.copy()
    clipped.loc[2, "gradient_std"] = VALUE_CEILING
    assert reached_ceiling(clipped)
    act = activations.get("leaky_relu", negative_slope=-1e5)  # ×7e4 per layer
    assert reached_ceiling(propagate("standard_normal", act, 100, 16, 16, 16))


def test_the_reference_table_is_the_definition_propagate_matches():
    act = activations.get("tanh")
    p = reference_pass("xavier_normal", act, 3, 8, 16, 1)
    expected = reference.table(p, act)
    assert list(expected.columns) == list(COLUMNS)
    assert expected["gradient_std"].iloc[-1] == pytest.approx(p.dh[-1].std())
    assert expected["weight_gradient_std"].iloc[0] == pytest.approx((p.h[0].T @ p.dz[0]).std())

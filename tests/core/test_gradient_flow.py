import math

import numpy as np
import pytest

from core.activations import NAMES, get
from core.gradient_flow import (
    VALUE_FLOOR,
    dead_fraction,
    gradient_through_depth,
    normal_grid,
    output_distribution,
    output_mean_std,
    outputs,
    plain_range,
    properties_table,
    saturated_mass,
    through_depth,
)

# Integrands with a jump (ReLU's derivative at 0) are only accurate to ~du·φ.
JUMP_TOL = 1e-3
DEPTHS = np.arange(0, 11)
EXTREME_MU_SIGMA = [(mu, sigma) for mu in (-50.0, 0.0, 50.0) for sigma in (0.0, 1e-3, 1.0, 100.0)]


def phi_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def strict_fp():
    """Overflow, invalid and divide raise; underflow to 0 is a legitimate answer here."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# --- quadrature grid --------------------------------------------------------------------------


def test_normal_grid_weights_sum_to_one_and_are_symmetric():
    z, w = normal_grid(0.0, 1.0)
    assert w.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(z, -z[::-1], atol=1e-15)
    np.testing.assert_allclose(w, w[::-1], rtol=1e-15)


def test_normal_grid_reproduces_mean_and_variance():
    z, w = normal_grid(1.5, 0.7)
    mean = np.dot(w, z)
    assert mean == pytest.approx(1.5, abs=1e-14)
    assert np.dot(w, (z - mean) ** 2) == pytest.approx(0.49, rel=1e-12)


def test_normal_grid_with_zero_sigma_is_a_point_mass():
    z, w = normal_grid(0.3, 0.0)
    np.testing.assert_array_equal(z, [0.3])
    np.testing.assert_array_equal(w, [1.0])


@pytest.mark.parametrize(
    ("mu", "sigma", "message"),
    [
        (0.0, -1.0, r"sigma must be in \[0, inf\)"),
        (math.nan, 1.0, "finite"),
        (0.0, math.inf, "finite"),
    ],
)
def test_normal_grid_rejects_invalid_parameters(mu, sigma, message):
    with pytest.raises(ValueError, match=message):
        normal_grid(mu, sigma)


# --- output moments ---------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_relu_output_mean_is_sigma_over_sqrt_two_pi(sigma):
    mean, _ = output_mean_std(get("relu"), 0.0, sigma)
    assert mean == pytest.approx(sigma / math.sqrt(2 * math.pi), rel=1e-6)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_relu_output_second_moment_is_half_the_variance(sigma):
    mean, std = output_mean_std(get("relu"), 0.0, sigma)
    assert std**2 + mean**2 == pytest.approx(sigma**2 / 2, rel=1e-6)


@pytest.mark.parametrize("sigma", [0.1, 1.0, 10.0])
def test_sigmoid_output_mean_is_one_half_at_zero_mean(sigma):
    assert output_mean_std(get("sigmoid"), 0.0, sigma)[0] == pytest.approx(0.5, abs=1e-14)


@pytest.mark.parametrize("sigma", [0.1, 1.0, 10.0])
def test_tanh_output_mean_is_zero_at_zero_mean(sigma):
    assert output_mean_std(get("tanh"), 0.0, sigma)[0] == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (-2.0, 0.5), (3.0, 4.0)])
def test_linear_output_keeps_mean_and_std(mu, sigma):
    mean, std = output_mean_std(get("linear"), mu, sigma)
    assert mean == pytest.approx(mu, abs=1e-12)
    assert std == pytest.approx(sigma, rel=1e-12)


def test_properties_table_values_at_standard_normal():
    assert output_mean_std(get("sigmoid"), 0.0, 1.0)[0] == pytest.approx(0.5)
    assert output_mean_std(get("relu"), 0.0, 1.0)[0] == pytest.approx(0.3989, abs=1e-4)
    assert output_mean_std(get("linear"), 0.0, 1.0) == pytest.approx((0.0, 1.0))


def test_properties_table_has_one_row_per_activation_with_closed_form_values():
    table = properties_table({name: get(name) for name in NAMES}).set_index("name")
    assert list(table.index) == list(NAMES)
    assert table.loc["sigmoid", "max_derivative"] == pytest.approx(0.25)
    assert table.loc["tanh", "max_derivative"] == pytest.approx(1.0)
    # SELU's slope at 0⁻ is λα; GELU's sup of Φ(x) + xφ(x) is at x = √2: Φ(√2) + √2·φ(√2).
    assert table.loc["selu", "max_derivative"] == pytest.approx(
        1.0507009873554805 * 1.6732632423543772
    )
    root2 = math.sqrt(2.0)
    gelu_sup = phi_cdf(root2) + root2 * math.exp(-1.0) / math.sqrt(2.0 * math.pi)
    assert table.loc["gelu", "max_derivative"] == pytest.approx(gelu_sup, rel=1e-6)
    assert table.loc["relu", "output_mean"] == pytest.approx(1.0 / math.sqrt(2.0 * math.pi))
    assert table.loc["tanh", "output_mean"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["sigmoid", "output_range"] == "(0, 1)"
    assert table.loc["relu", "output_range"] == "[0, ∞)"
    assert set(table["saturates"]) <= {"both", "negative", "none"}
    assert set(table["cost"]) <= {1, 2, 3}


def test_properties_table_uses_the_bound_parameters():
    slopes = properties_table({"a": get("leaky_relu", negative_slope=2.0), "b": get("leaky_relu")})
    assert slopes["max_derivative"].tolist() == pytest.approx([2.0, 1.0])


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"(-\alpha,\,\infty)", "(−α, ∞)"),
        (r"(-\lambda\alpha,\,\infty)", "(−λα, ∞)"),
        (r"[\approx -0.17,\,\infty)", "[≈−0.17, ∞)"),
    ],
)
def test_plain_range_turns_latex_into_readable_text(latex, plain):
    assert plain_range(latex) == plain


def test_zero_sigma_output_is_f_of_mu_with_no_spread():
    assert output_mean_std(get("tanh"), 0.5, 0.0) == (math.tanh(0.5), 0.0)


# --- dead fraction, saturation ----------------------------------------------------------------


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (0.5, 1.0), (-1.0, 2.0), (2.0, 0.5)])
def test_relu_dead_fraction_is_normal_cdf_of_minus_mu_over_sigma(mu, sigma):
    assert dead_fraction(get("relu"), mu, sigma) == pytest.approx(
        phi_cdf(-mu / sigma), abs=JUMP_TOL
    )


def test_relu_dead_fraction_is_one_half_at_zero_mean():
    assert dead_fraction(get("relu"), 0.0, 1.0) == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu", "sigmoid", "tanh", "linear"])
def test_activations_without_flat_side_have_no_dead_fraction(name):
    assert dead_fraction(get(name), 0.0, 1.0) == 0.0


def test_sigmoid_saturated_mass_is_tail_probability():
    # σ'(z) < 0.1 exactly when |z| > log((1 + √0.6)/(1 − √0.6)).
    edge = math.log((1 + math.sqrt(0.6)) / (1 - math.sqrt(0.6)))
    assert saturated_mass(get("sigmoid"), 0.0, 1.0, 0.1) == pytest.approx(
        2 * phi_cdf(-edge), abs=JUMP_TOL
    )


def test_relu_saturated_mass_is_its_dead_fraction():
    assert saturated_mass(get("relu"), 0.7, 1.3, 0.5) == pytest.approx(
        dead_fraction(get("relu"), 0.7, 1.3), abs=1e-15
    )


# --- gradient through depth -------------------------------------------------------------------


def test_depth_table_has_one_row_per_depth_and_the_documented_columns():
    table = gradient_through_depth(get("tanh"), 0.0, 1.0, DEPTHS)
    assert list(table.columns) == ["depth", "expected", "alive", "typical"]
    np.testing.assert_array_equal(table["depth"], DEPTHS)


@pytest.mark.parametrize("name", NAMES)
def test_depth_zero_is_the_empty_product(name):
    row = gradient_through_depth(get(name), 0.0, 1.0, np.array([0])).iloc[0]
    assert (row["typical"], row["expected"], row["alive"]) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (1.0, 1.0), (-0.5, 2.0)])
def test_relu_alive_is_power_of_normal_cdf(mu, sigma):
    table = gradient_through_depth(get("relu"), mu, sigma, DEPTHS)
    per_layer = table["alive"].to_numpy()[1:] ** (1.0 / DEPTHS[1:])
    np.testing.assert_allclose(per_layer, phi_cdf(mu / sigma), atol=JUMP_TOL)


@pytest.mark.parametrize("name", ["relu", "linear"])
def test_typical_gradient_of_unit_slope_activations_is_one(name):
    table = gradient_through_depth(get(name), 0.3, 1.0, DEPTHS)
    np.testing.assert_allclose(table["typical"], 1.0, rtol=1e-14)


@pytest.mark.parametrize(
    ("name", "mu", "sigma"),
    [("sigmoid", 0.0, 1.0), ("tanh", 0.5, 2.0), ("relu", -1.0, 1.0), ("gelu", -0.3, 1.5)],
)
def test_expected_factor_matches_a_monte_carlo_estimate(name, mu, sigma):
    # The mean over sampled paths of |f'(z_1)·…·f'(z_L)|, dead paths (factor 0) included.
    act, depth = get(name), 4
    z = np.random.default_rng(12).normal(mu, sigma, size=(400_000, depth))
    samples = np.prod(np.abs(act.derivative(z)), axis=1)
    standard_error = samples.std() / math.sqrt(samples.size)
    table = gradient_through_depth(act, mu, sigma, np.array([depth]))
    assert table["expected"].iloc[0] == pytest.approx(samples.mean(), abs=4 * standard_error)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (-1.0, 1.0), (0.5, 2.0)])
def test_relu_and_leaky_relu_expected_factors_match_their_closed_forms(mu, sigma):
    # E f' = P(z > 0) = Φ(μ/σ) for ReLU and Φ(μ/σ) + a·(1 − Φ(μ/σ)) for Leaky ReLU.
    p, a, depths = phi_cdf(mu / sigma), 0.01, np.arange(1, 31)
    relu = gradient_through_depth(get("relu"), mu, sigma, depths)["expected"]
    leaky = gradient_through_depth(get("leaky_relu", negative_slope=a), mu, sigma, depths)
    np.testing.assert_allclose(relu, p**depths, rtol=0.05)
    np.testing.assert_allclose(leaky["expected"], (p + a * (1 - p)) ** depths, rtol=0.05)
    assert relu.iloc[0] == pytest.approx(p, abs=JUMP_TOL)


def test_at_mu_minus_one_and_30_layers_relu_and_leaky_relu_both_vanish_leaky_larger():
    # The README's example link: neither passes a usable gradient through 30 such layers, but
    # Leaky ReLU never cuts a path (its dead units still pass a·gradient), ReLU cuts nearly all.
    depths = np.array([30])
    relu = gradient_through_depth(get("relu"), -1.0, 1.0, depths).iloc[0]
    leaky = gradient_through_depth(get("leaky_relu"), -1.0, 1.0, depths).iloc[0]
    assert relu["expected"] < 1e-20
    assert leaky["expected"] < 1e-20
    assert leaky["expected"] > 2 * relu["expected"]
    assert leaky["alive"] == 1.0
    assert relu["alive"] < 1e-20
    assert relu["typical"] == 1.0  # the old headline: a live ReLU path passes exactly 1


def test_linear_paths_are_all_alive_with_unit_mean():
    table = gradient_through_depth(get("linear"), 0.0, 1.0, DEPTHS)
    np.testing.assert_allclose(table[["expected", "alive"]], 1.0, rtol=1e-14)


def test_sigmoid_typical_gradient_shrinks_at_least_as_fast_as_a_quarter_per_layer():
    table = gradient_through_depth(get("sigmoid"), 0.0, 1.0, DEPTHS)
    assert np.all(table["typical"] <= 0.25 ** table["depth"] * (1 + 1e-12))
    assert table["typical"].iloc[1] == pytest.approx(0.2, abs=0.01)


def test_typical_is_at_most_mean_for_always_alive_paths():
    # Geometric mean ≤ arithmetic mean (Jensen) when alive = 1.
    table = gradient_through_depth(get("tanh"), 0.5, 2.0, DEPTHS)
    assert np.all(table["typical"] <= table["expected"] * (1 + 1e-12))


def test_tanh_typical_gradient_is_one_for_tiny_inputs():
    table = gradient_through_depth(get("tanh"), 0.0, 1e-4, DEPTHS)
    np.testing.assert_allclose(table["typical"], 1.0, rtol=1e-6)


def test_all_dead_paths_sit_on_the_floor_not_at_zero():
    table = gradient_through_depth(get("relu"), -50.0, 1.0, np.array([1, 5]))
    np.testing.assert_array_equal(table[["typical", "expected", "alive"]], VALUE_FLOOR)


def test_exploding_products_are_clipped_to_finite():
    table = gradient_through_depth(get("elu", alpha=5.0), -1.0, 0.01, np.array([10_000]))
    assert table["typical"].iloc[0] == 1e300


@pytest.mark.parametrize("depths", [np.array([1.5]), np.array([-1]), np.array([[1, 2]])])
def test_depths_must_be_nonnegative_integers(depths):
    with pytest.raises(ValueError, match="depths"):
        gradient_through_depth(get("relu"), 0.0, 1.0, depths)


def test_through_depth_is_the_depth_table_from_one_layer_on_with_the_dead_fraction():
    act = get("relu")
    drawn = through_depth(act, -1.0, 1.0, 30)
    table = gradient_through_depth(act, -1.0, 1.0, np.arange(1, 31))
    np.testing.assert_array_equal(drawn.depths, np.arange(1, 31))
    for column in ("expected", "alive", "typical"):
        np.testing.assert_array_equal(getattr(drawn, column), table[column].to_numpy())
    assert drawn.dead == dead_fraction(act, -1.0, 1.0)
    assert drawn.dead == pytest.approx(phi_cdf(1.0), abs=JUMP_TOL)  # Φ(−μ/σ) with μ = −1


def test_through_depth_of_relu_at_mu_zero_halves_per_layer():
    drawn = through_depth(get("relu"), 0.0, 1.0, 20)
    np.testing.assert_allclose(drawn.expected, 0.5 ** np.arange(1, 21), rtol=0.02)
    assert drawn.dead == pytest.approx(0.5, abs=JUMP_TOL)


@pytest.mark.parametrize("depth", [0, 2.0, True])
def test_through_depth_needs_a_whole_number_of_layers_from_one(depth):
    with pytest.raises(ValueError, match="depth"):
        through_depth(get("relu"), 0.0, 1.0, depth)


# --- output distribution ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_output_density_integrates_to_one(name):
    dist = output_distribution(get(name), 0.2, 1.5)
    assert np.sum(dist.density * np.diff(dist.edges)) == pytest.approx(1.0, abs=1e-12)
    assert np.all(dist.density >= 0)


def test_output_distribution_has_requested_bins_and_increasing_edges():
    dist = output_distribution(get("tanh"), 0.0, 1.0, bins=25)
    assert dist.edges.shape == (26,)
    assert dist.density.shape == (25,)
    assert np.all(np.diff(dist.edges) > 0)


def test_output_distribution_covers_the_reached_range():
    dist = output_distribution(get("sigmoid"), 0.0, 1.0)
    f_range = get("sigmoid").forward(np.array([-8.0, 8.0]))
    assert -0.05 < dist.edges[0] < f_range[0]
    assert f_range[1] < dist.edges[-1] < 1.05


def test_relu_output_has_an_atom_of_one_half_at_zero():
    dist = output_distribution(get("relu"), 0.0, 1.0)
    first_bin_mass = dist.density[0] * (dist.edges[1] - dist.edges[0])
    assert dist.edges[0] < 0.0 < dist.edges[1]
    # P(relu(z) < e₁) = P(z < e₁): the atom P(z ≤ 0) = ½ plus the sliver (0, e₁).
    assert first_bin_mass == pytest.approx(phi_cdf(dist.edges[1]), abs=JUMP_TOL)
    assert first_bin_mass > 0.5


def test_linear_output_histogram_matches_normal_bin_masses():
    dist = output_distribution(get("linear"), 1.0, 2.0, bins=40)
    expected = np.diff([phi_cdf((e - 1.0) / 2.0) for e in dist.edges])
    np.testing.assert_allclose(dist.density * np.diff(dist.edges), expected, atol=1e-6)


def test_output_distribution_mean_and_std_match_output_mean_std():
    dist = output_distribution(get("gelu"), 0.5, 1.2)
    assert (dist.mean, dist.std) == output_mean_std(get("gelu"), 0.5, 1.2)


def test_point_mass_output_falls_in_a_single_bin_of_a_small_window():
    dist = output_distribution(get("tanh"), 0.5, 0.0)
    value = math.tanh(0.5)
    assert dist.edges[0] < value < dist.edges[-1]
    assert dist.edges[-1] - dist.edges[0] < 0.2
    mass = dist.density * np.diff(dist.edges)
    assert np.count_nonzero(mass) == 1
    assert mass.sum() == pytest.approx(1.0)


def test_outputs_are_the_histogram_and_the_saturated_mass():
    act = get("tanh")
    seen = outputs(act, 0.5, 2.0, 0.05)
    histogram = output_distribution(act, 0.5, 2.0)
    np.testing.assert_array_equal(seen.histogram.edges, histogram.edges)
    np.testing.assert_array_equal(seen.histogram.density, histogram.density)
    assert (seen.histogram.mean, seen.histogram.std) == (histogram.mean, histogram.std)
    assert seen.saturated == saturated_mass(act, 0.5, 2.0, 0.05)


def test_relu_outputs_are_saturated_on_the_left_half():
    # f' = 0 for z < 0 and 1 above: P(|f'| < 0.05) = P(z < 0) = ½ for z ~ N(0, 1).
    assert outputs(get("relu"), 0.0, 1.0, 0.05).saturated == pytest.approx(0.5, abs=JUMP_TOL)


# --- extreme parameters -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("mu", "sigma"), EXTREME_MU_SIGMA)
def test_all_statistics_are_finite_for_extreme_mu_and_sigma(name, mu, sigma):
    act = get(name)
    with strict_fp():
        table = gradient_through_depth(act, mu, sigma, np.array([0, 1, 10, 1000]))
        dist = output_distribution(act, mu, sigma)
        values = [
            dead_fraction(act, mu, sigma),
            saturated_mass(act, mu, sigma, 0.1),
            *output_mean_std(act, mu, sigma),
            dist.mean,
            dist.std,
        ]
    assert np.all(np.isfinite(table.to_numpy(dtype=float)))
    assert np.all(table[["typical", "expected", "alive"]].to_numpy() > 0)
    assert np.all(np.isfinite(dist.edges))
    assert np.all(np.isfinite(dist.density))
    assert np.sum(dist.density * np.diff(dist.edges)) == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.isfinite(values))

"""core.initialization.schemes: each scheme's σ and bound, and the draws."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from initialization_cases import (
    HYPOTHESIS,
    NONZERO,
    UNIFORM,
)

from core.initialization import (
    LATEX,
    SCHEMES,
    bound,
    every_scheme,
    propagate,
    sample,
    standard_normals,
    std,
)

# --- schemes: formulas ------------------------------------------------------------------------


def test_schemes_include_the_contracted_names_in_order():
    assert SCHEMES == (
        "zeros",
        "small_normal",
        "standard_normal",
        "lecun_uniform",
        "lecun_normal",
        "xavier_uniform",
        "xavier_normal",
        "he_uniform",
        "he_normal",
    )
    assert set(LATEX) == set(SCHEMES)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_latex_formula_names_its_fan(scheme):
    latex = LATEX[scheme]
    assert latex.startswith("W")
    uses_fans = scheme.split("_")[0] in ("lecun", "xavier", "he")
    assert (r"n_\mathrm{in}" in latex) == uses_fans
    assert (r"n_\mathrm{out}" in latex) == scheme.startswith("xavier")
    assert (r"\mathcal{U}" in latex) == scheme.endswith("uniform")


def expected_std(scheme, n_in, n_out):
    return {
        "zeros": 0.0,
        "small_normal": 0.01,
        "standard_normal": 1.0,
        "lecun_uniform": math.sqrt(3 / n_in) / math.sqrt(3),
        "lecun_normal": math.sqrt(1 / n_in),
        "xavier_uniform": math.sqrt(6 / (n_in + n_out)) / math.sqrt(3),
        "xavier_normal": math.sqrt(2 / (n_in + n_out)),
        "he_uniform": math.sqrt(6 / n_in) / math.sqrt(3),
        "he_normal": math.sqrt(2 / n_in),
    }[scheme]


def expected_bound(scheme, n_in, n_out):
    return {
        "lecun_uniform": math.sqrt(3 / n_in),
        "xavier_uniform": math.sqrt(6 / (n_in + n_out)),
        "he_uniform": math.sqrt(6 / n_in),
    }.get(scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
@HYPOTHESIS
@given(n_in=st.integers(1, 10**6), n_out=st.integers(1, 10**6))
def test_std_and_bound_follow_the_formulas_for_any_fans(scheme, n_in, n_out):
    assert std(scheme, n_in, n_out) == pytest.approx(expected_std(scheme, n_in, n_out), rel=1e-12)
    r = bound(scheme, n_in, n_out)
    if scheme in UNIFORM:
        assert r == pytest.approx(expected_bound(scheme, n_in, n_out), rel=1e-12)
        assert std(scheme, n_in, n_out) == pytest.approx(r / math.sqrt(3), rel=1e-12)
    else:
        assert r is None


# --- schemes: samples -------------------------------------------------------------------------

N_IN, N_OUT = 400, 2500  # one million weights


@pytest.mark.parametrize("scheme", NONZERO)
def test_sample_std_matches_the_formula_within_sampling_error(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(1))
    assert w.shape == (N_IN, N_OUT)
    assert w.dtype == np.float64
    sigma = std(scheme, N_IN, N_OUT)
    # sd of the sample std is σ·√((κ − 1)/(4N)), κ = 3 (normal) or 9/5 (uniform); allow 6 sd.
    kurtosis = 1.8 if scheme in UNIFORM else 3.0
    tolerance = 6 * math.sqrt((kurtosis - 1) / (4 * w.size))
    assert w.std() == pytest.approx(sigma, rel=tolerance)
    assert abs(w.mean()) < 6 * sigma / math.sqrt(w.size)


@pytest.mark.parametrize("scheme", UNIFORM)
def test_uniform_samples_fill_but_never_exceed_the_bound(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(2))
    r = bound(scheme, N_IN, N_OUT)
    assert np.abs(w).max() <= r
    assert np.abs(w).max() > r * (1 - 1e-4)
    # Flat: each tenth of (−r, r) holds a tenth of the draws.
    counts = np.histogram(w, bins=10, range=(-r, r))[0] / w.size
    np.testing.assert_allclose(counts, 0.1, atol=0.002)


@pytest.mark.parametrize("scheme", [s for s in NONZERO if s not in UNIFORM])
def test_normal_samples_have_gaussian_tails(scheme):
    w = sample(scheme, N_IN, N_OUT, np.random.default_rng(3))
    sigma = std(scheme, N_IN, N_OUT)
    beyond = np.mean(np.abs(w) > 2 * sigma)
    assert beyond == pytest.approx(math.erfc(2 / math.sqrt(2)), abs=0.002)  # 4.55 %
    kurtosis = np.mean((w / sigma) ** 4)
    assert kurtosis == pytest.approx(3.0, abs=0.05)


def normal_cdf(z):
    return 0.5 * (1.0 + np.frompyfunc(math.erf, 1, 1)(z / math.sqrt(2.0)).astype(np.float64))


def test_standard_normals_pass_a_kolmogorov_smirnov_test():
    z = np.sort(standard_normals(np.random.default_rng(40), np.empty(200_001, np.float32)))
    n = z.size
    cdf = normal_cdf(z.astype(np.float64))
    d = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert d < 1.95 / math.sqrt(n)  # the 0.1 % critical value


def test_standard_normals_have_normal_moments_and_independent_pairs():
    z = standard_normals(np.random.default_rng(41), np.empty((1000, 1000), np.float32))
    z = z.astype(np.float64).ravel()
    n, sd = z.size, 1 / math.sqrt(z.size)
    assert abs(z.mean()) < 6 * sd
    assert z.var() == pytest.approx(1.0, abs=6 * math.sqrt(2) * sd)
    assert np.mean(z**4) == pytest.approx(3.0, abs=6 * math.sqrt(96) * sd)
    assert np.abs(z).max() <= math.sqrt(48 * math.log(2)) + 1e-6
    # Box–Muller's two outputs of one pair (cosine half, sine half) share r: as normals they
    # must still be uncorrelated, and so must their squares.
    c, s = z[: n // 2], z[n // 2 :]
    assert abs(np.corrcoef(c, s)[0, 1]) < 6 * math.sqrt(2) * sd
    assert abs(np.corrcoef(c**2, s**2)[0, 1]) < 6 * math.sqrt(2) * sd


@pytest.mark.parametrize("n", [1, 2, 3, 10, 4097])
def test_standard_normals_use_half_a_raw_draw_each_and_are_reproducible(n):
    rng = np.random.default_rng(42)
    z = standard_normals(rng, np.empty(n, np.float32))
    assert np.all(np.isfinite(z))
    np.testing.assert_array_equal(
        z, standard_normals(np.random.default_rng(42), np.empty(n, np.float32))
    )
    twin = np.random.default_rng(42)
    twin.bit_generator.random_raw((n + 1) // 2)
    assert rng.random() == twin.random()


def test_uniform_samples_are_odd_multiples_of_2_to_the_minus_24_of_the_bound():
    # LeCun with n_in = 12 has r = √(3/12) = 1/2, a power of two: scaling by r is exact.
    w = sample("lecun_uniform", 12, 4096, np.random.default_rng(43))
    k = w / (0.5 * 2.0**-24)
    np.testing.assert_array_equal(k, np.round(k))
    assert np.all(k % 2 == 1)
    assert np.abs(k).max() < 2**24
    assert abs(k.mean()) < 6 * 2**24 / math.sqrt(3 * k.size)


def test_zeros_scheme_samples_exact_zeros_without_drawing():
    rng = np.random.default_rng(4)
    w = sample("zeros", 7, 5, rng)
    np.testing.assert_array_equal(w, np.zeros((7, 5)))
    assert rng.random() == np.random.default_rng(4).random()


@HYPOTHESIS
@given(
    scheme=st.sampled_from(SCHEMES),
    n_in=st.integers(1, 40),
    n_out=st.integers(1, 40),
    seed=st.integers(0, 2**32),
)
def test_sample_is_reproducible_finite_and_shaped(scheme, n_in, n_out, seed):
    w = sample(scheme, n_in, n_out, np.random.default_rng(seed))
    np.testing.assert_array_equal(w, sample(scheme, n_in, n_out, np.random.default_rng(seed)))
    assert w.shape == (n_in, n_out)
    assert np.all(np.isfinite(w))
    r = bound(scheme, n_in, n_out)
    if r is not None:
        assert np.abs(w).max() <= r


def test_sample_values_are_float32_draws_widened():
    w = sample("he_normal", 30, 20, np.random.default_rng(5))
    np.testing.assert_array_equal(w, w.astype(np.float32).astype(np.float64))


def test_unknown_scheme_lists_the_valid_choices():
    for call in (
        lambda: sample("glorot", 3, 3, np.random.default_rng(0)),
        lambda: std("glorot", 3, 3),
        lambda: bound("glorot", 3, 3),
        lambda: propagate("glorot", "relu", 2, 4, 4, 0),
    ):
        with pytest.raises(ValueError, match="unknown scheme 'glorot'") as info:
            call()
        assert all(name in str(info.value) for name in SCHEMES)


@pytest.mark.parametrize("size", [0, -3, 2.5, True, "8", None])
def test_bad_fan_sizes_say_what_is_allowed(size):
    for call in (
        lambda: sample("he_normal", size, 3, np.random.default_rng(0)),
        lambda: sample("he_normal", 3, size, np.random.default_rng(0)),
        lambda: std("xavier_normal", size, 3),
        lambda: bound("he_uniform", 3, size),
    ):
        with pytest.raises(ValueError, match=r"fan_(in|out) must be (an integer|in \[1, inf\))"):
            call()


def test_sample_needs_a_generator():
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator"):
        sample("he_normal", 3, 3, np.random.RandomState(0))


def test_every_scheme_lists_each_scheme_s_std_bound_and_latex_in_order():
    rows = every_scheme(256, 128)
    assert tuple(r.name for r in rows) == SCHEMES
    for r in rows:
        assert r.std == std(r.name, 256, 128)
        assert r.bound == bound(r.name, 256, 128)
        assert r.latex == LATEX[r.name]

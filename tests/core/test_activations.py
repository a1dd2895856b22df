import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.activations import (
    NAMES,
    REGISTRY,
    SELU_ALPHA,
    SELU_SCALE,
    _erf,
    _erfc,
    curves,
    get,
    max_derivative,
    misremembered_tanh,
    saturated_intervals,
    tanh_from_sigmoid,
    tanh_identity,
)

FMAX = float(np.finfo(np.float64).max)
TINY = float(np.finfo(np.float64).tiny)
_POSITIVE_EXTREMES = np.array([5e-324, TINY, 1.0, 40.0, 800.0, 1e30, 1e300, FMAX])
EXTREMES = np.concatenate([-_POSITIVE_EXTREMES[::-1], [0.0], _POSITIVE_EXTREMES])
KINKED = {"relu", "leaky_relu", "elu", "selu"}
MONOTONE = [name for name in NAMES if REGISTRY[name].monotonic]

# (name, params) pairs: every activation at its defaults plus the interesting parameter values.
CASES = [(name, {}) for name in NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("softplus", {"beta": 0.5}),
    ("softplus", {"beta": 3.0}),
    ("gelu", {"approximate": "tanh"}),
]
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]

HYPOTHESIS = settings(max_examples=200, deadline=None, database=None)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def strict(fn, *args):
    """fn(*args) with every floating-point warning or error raised as an exception."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        return fn(*args)


# --- contract ---------------------------------------------------------------------------------


def test_names_are_the_registry_keys_in_order():
    assert NAMES == (
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "elu",
        "selu",
        "gelu",
        "silu",
        "softplus",
        "linear",
    )
    assert tuple(REGISTRY) == NAMES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("leaky_relu", {"negative_slope": 0.01}),
        ("elu", {"alpha": 1.0}),
        ("softplus", {"beta": 1.0, "threshold": 20.0}),
        ("gelu", {"approximate": "none"}),
        ("selu", {}),
        ("relu", {}),
    ],
)
def test_params_default_to_torch_functional(name, expected):
    assert get(name).params == expected


def test_params_include_overrides_and_remaining_defaults():
    act = get("softplus", beta=2)
    assert act.name == "softplus"
    assert act.params == {"beta": 2.0, "threshold": 20.0}
    assert isinstance(act.params["beta"], float)


def test_activations_compare_hash_and_pickle_by_name_and_params():
    # The page caches on activations, so they must be hashable and picklable.
    act = get("elu", alpha=2)
    assert act == get("elu", alpha=2.0)
    assert hash(act) == hash(get("elu", alpha=2.0))
    assert act != get("elu", alpha=0.5)
    assert pickle.loads(pickle.dumps(act)) == act


@pytest.mark.parametrize("x", [0.5, [0.5, -1.0], [[1.0, 2.0], [-3.0, 0.0]], np.arange(3)])
def test_forward_and_derivative_return_float64_of_input_shape(x):
    act = get("gelu")
    for out in (act.forward(x), act.derivative(x)):
        assert out.dtype == np.float64
        assert out.shape == np.shape(x)


@pytest.mark.parametrize("name", NAMES)
def test_metadata_values_are_in_their_vocabularies(name):
    spec = REGISTRY[name]
    assert spec.saturates in {"both", "negative", "none"}
    assert spec.cost in {1, 2, 3}
    assert spec.latex_f
    assert spec.latex_df
    assert spec.output_range
    assert set(spec.params) == set(get(name).params)


def test_metadata_matches_the_cs231n_style_classification():
    zero_centred = {n for n in NAMES if REGISTRY[n].zero_centred}
    assert zero_centred == {"tanh", "elu", "selu", "linear"}
    assert {n for n in NAMES if not REGISTRY[n].monotonic} == {"gelu", "silu"}
    assert {n for n in NAMES if REGISTRY[n].cost == 1} == {"relu", "leaky_relu", "linear"}
    assert {n for n in NAMES if REGISTRY[n].cost == 3} == {"gelu"}


def test_activation_exposes_spec_metadata():
    act = get("elu", alpha=0.5)
    assert act.latex_f == REGISTRY["elu"].latex_f
    assert act.output_range == r"(-\alpha,\,\infty)"
    assert act.saturates == "negative"


@pytest.mark.parametrize("name", MONOTONE)
def test_monotonic_flag_means_nonnegative_derivative(name):
    assert np.all(get(name).derivative(np.linspace(-10, 10, 2001)) >= 0)


@pytest.mark.parametrize("name", ["gelu", "silu"])
def test_non_monotonic_flag_means_derivative_changes_sign(name):
    assert np.min(get(name).derivative(np.linspace(-10, 10, 2001))) < 0


@pytest.mark.parametrize("name", NAMES)
def test_saturates_flag_matches_derivative_in_the_tails(name):
    act = get(name)
    left, right = np.abs(act.derivative(np.array([-30.0, 30.0])))
    saturates = REGISTRY[name].saturates
    assert (left < 1e-6) == (saturates in {"both", "negative"})
    assert (right < 1e-6) == (saturates == "both")


@pytest.mark.parametrize(("name", "minimum"), [("gelu", -0.17), ("silu", -0.28)])
def test_output_range_minimum_of_gelu_and_silu(name, minimum):
    assert REGISTRY[name].output_range.startswith(rf"[\approx {minimum}")
    assert get(name).forward(np.linspace(-5, 5, 100_001)).min() == pytest.approx(minimum, abs=0.005)


# --- derivatives ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_derivative_matches_central_finite_differences(name, params):
    act = get(name, **params)
    x = np.linspace(-6.0, 6.0, 241)
    if name in KINKED:
        x = x[np.abs(x) > 1e-3]
    h = 1e-6
    numeric = (act.forward(x + h) - act.forward(x - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(x), numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("relu", {}, 0.0),  # threshold_backward: x <= 0 gives 0
        ("leaky_relu", {}, 0.01),  # x > 0 ? 1 : slope
        ("leaky_relu", {"negative_slope": 0.2}, 0.2),
        ("elu", {}, 1.0),  # elu_backward: x <= 0 gives alpha·exp(x)
        ("elu", {"alpha": 0.5}, 0.5),
        ("elu", {"alpha": 2.0}, 2.0),
        ("selu", {}, SELU_SCALE * SELU_ALPHA),
        ("tanh", {}, 1.0),
        ("sigmoid", {}, 0.25),
        ("gelu", {}, 0.5),
        ("silu", {}, 0.5),
        ("softplus", {}, 0.5),
        ("linear", {}, 1.0),
    ],
)
def test_derivative_at_zero_follows_autograd(name, params, expected):
    assert get(name, **params).derivative(0.0) == expected


@pytest.mark.parametrize(
    ("name", "params", "x", "expected"),
    [
        ("sigmoid", {}, 0.0, 0.5),
        ("tanh", {}, 0.5, math.tanh(0.5)),
        ("gelu", {}, 1.0, 0.8413447460685429),
        ("gelu", {"approximate": "tanh"}, 1.0, 0.8411919906082768),
        ("silu", {}, 1.0, 0.7310585786300049),
        ("softplus", {}, 0.0, math.log(2.0)),
        ("softplus", {"beta": 2.0}, 1.0, math.log1p(math.exp(2.0)) / 2.0),
        ("elu", {"alpha": 2.0}, -1.0, 2.0 * math.expm1(-1.0)),
        ("selu", {}, 1.0, SELU_SCALE),
        ("selu", {}, -1.0, SELU_SCALE * SELU_ALPHA * math.expm1(-1.0)),
        ("leaky_relu", {"negative_slope": 0.2}, -3.0, -0.6),
        ("linear", {}, -2.5, -2.5),
    ],
)
def test_known_values(name, params, x, expected):
    assert float(get(name, **params).forward(x)) == pytest.approx(expected, rel=1e-15, abs=1e-300)


def test_selu_constants_are_torchs():
    assert SELU_ALPHA == 1.6732632423543772848170429916717
    assert SELU_SCALE == 1.0507009873554804934193349852946


def test_softplus_reverts_to_identity_above_threshold():
    act = get("softplus", beta=2.0)
    assert act.forward(11.0) == 11.0  # β·x = 22 > 20
    assert act.derivative(11.0) == 1.0


def test_softplus_threshold_is_strict_like_torch():
    act = get("softplus", beta=2.0)
    # β·x == threshold stays on the log branch: (1/2)·log(1 + e^20), not 10.
    assert act.forward(10.0) == pytest.approx(math.log1p(math.exp(20.0)) / 2, rel=1e-15)
    assert act.forward(10.0) != 10.0


# --- extreme inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_extreme_inputs_give_finite_outputs_without_warnings(name, params):
    act = get(name, **params)
    assert np.all(np.isfinite(strict(act.forward, EXTREMES)))
    assert np.all(np.isfinite(strict(act.derivative, EXTREMES)))


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [
        ("sigmoid", -1e300, 0.0),
        ("sigmoid", 1e300, 1.0),
        ("sigmoid", -FMAX, 0.0),
        ("tanh", -FMAX, -1.0),
        ("relu", -FMAX, 0.0),
        ("elu", -1e300, -1.0),
        ("selu", -1e300, -SELU_SCALE * SELU_ALPHA),
        ("gelu", -1e300, 0.0),
        ("gelu", 1e300, 1e300),
        ("silu", -1e300, 0.0),
        ("silu", FMAX, FMAX),
        ("softplus", 1e300, 1e300),
        ("softplus", -1e300, 0.0),
        ("linear", FMAX, FMAX),
    ],
)
def test_forward_limits_at_extreme_inputs(name, x, expected):
    assert strict(get(name).forward, x) == expected


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [
        ("sigmoid", 1e300, 0.0),
        ("tanh", -FMAX, 0.0),
        ("elu", -1e300, 0.0),
        ("gelu", -1e300, 0.0),
        ("gelu", 1e300, 1.0),
        ("silu", -1e300, 0.0),
        ("silu", 1e300, 1.0),
        ("softplus", FMAX, 1.0),
        ("softplus", -FMAX, 0.0),
    ],
)
def test_derivative_limits_at_extreme_inputs(name, x, expected):
    assert strict(get(name).derivative, x) == expected


def test_selu_saturates_at_largest_float_instead_of_overflowing():
    # λ·finfo.max is not representable; PyTorch gives inf, the page wants finite values.
    assert strict(get("selu").forward, FMAX) == FMAX


def test_gelu_tanh_form_survives_cube_overflow():
    act = get("gelu", approximate="tanh")
    out = strict(act.forward, np.array([-1e103, 1e103, -1e200]))
    np.testing.assert_array_equal(out, [0.0, 1e103, 0.0])


def test_tiny_inputs_stay_tiny():
    assert strict(get("linear").forward, 5e-324) == 5e-324
    assert strict(get("tanh").forward, TINY) == TINY
    assert strict(get("gelu").forward, 1e-300) == pytest.approx(0.5e-300, rel=1e-15)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_nan_in_gives_nan_out_without_error(name, params):
    act = get(name, **params)
    x = np.array([np.nan, 1.0])
    for out in (strict(act.forward, x), strict(act.derivative, x)):
        assert np.isnan(out[0])
        assert np.isfinite(out[1])


# --- properties (hypothesis) ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(x=finite_floats)
def test_any_finite_input_gives_finite_values(name, x):
    act = get(name)
    assert np.isfinite(strict(act.forward, x))
    assert np.isfinite(strict(act.derivative, x))


@HYPOTHESIS
@given(x=finite_floats)
def test_sigmoid_lies_in_unit_interval(x):
    assert 0.0 <= get("sigmoid").forward(x) <= 1.0


@HYPOTHESIS
@given(x=finite_floats)
def test_tanh_lies_in_symmetric_unit_interval(x):
    assert -1.0 <= get("tanh").forward(x) <= 1.0


@pytest.mark.parametrize("name", MONOTONE)
@HYPOTHESIS
@given(x=finite_floats)
def test_monotone_activations_have_nonnegative_derivative(name, x):
    assert get(name).derivative(x) >= 0.0


@HYPOTHESIS
@given(x=finite_floats)
def test_relu_is_exactly_max_with_zero(x):
    assert get("relu").forward(x) == max(x, 0.0)


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(xs=st.lists(st.floats(-50, 50), min_size=1, max_size=8))
def test_lists_and_scalars_agree_with_arrays(name, xs):
    act = get(name)
    array_out = act.forward(np.array(xs))
    np.testing.assert_array_equal(act.forward(xs), array_out)
    np.testing.assert_array_equal([act.forward(x) for x in xs], array_out)


# --- parameter declarations -------------------------------------------------------------------

DECLARED = [(name, key) for name in NAMES for key in REGISTRY[name].parameters]


def test_the_declared_parameters_are_torch_s_four_activations_with_parameters():
    assert DECLARED == [
        ("leaky_relu", "negative_slope"),
        ("elu", "alpha"),
        ("gelu", "approximate"),
        ("softplus", "beta"),
        ("softplus", "threshold"),
    ]


@pytest.mark.parametrize(("name", "key"), DECLARED)
def test_a_parameter_s_default_is_a_value_it_accepts(name, key):
    param = REGISTRY[name].parameters[key]
    assert param.validated(f"{name} {key}", param.default) == param.default
    assert get(name).params[key] == param.default
    assert REGISTRY[name].params[key] == param.default


@pytest.mark.parametrize(("name", "key"), DECLARED)
def test_a_parameter_s_span_is_finite_accepted_and_holds_its_default(name, key):
    param = REGISTRY[name].parameters[key]
    if param.options:
        assert param.span is None
        assert param.default in param.options
        for option in param.options:
            assert get(name, **{key: option}).params[key] == option
        return
    if param.span is None:  # not offered for exploring (softplus's threshold)
        return
    lo, hi = param.span
    assert math.isfinite(lo)
    assert math.isfinite(hi)
    assert lo < hi
    assert lo <= param.default <= hi
    for value in (lo, hi):
        assert get(name, **{key: value}).params[key] == value


@pytest.mark.parametrize(
    ("name", "key", "default", "span"),
    [
        ("leaky_relu", "negative_slope", 0.01, (0.0, 0.5)),
        ("elu", "alpha", 1.0, (0.1, 3.0)),
        ("softplus", "beta", 1.0, (0.25, 5.0)),
    ],
)
def test_the_spans_a_reader_explores(name, key, default, span):
    param = REGISTRY[name].parameters[key]
    assert (param.default, param.span) == (default, span)


def test_gelu_offers_the_exact_form_and_the_tanh_approximation():
    assert REGISTRY["gelu"].parameters["approximate"].options == ("none", "tanh")


def test_softplus_declares_beta_and_threshold_positive():
    for key in ("beta", "threshold"):
        param = REGISTRY["softplus"].parameters[key]
        assert (param.lo, param.lo_open, param.hi) == (0.0, True, None)


# --- get() errors -----------------------------------------------------------------------------


def test_unknown_name_lists_valid_choices():
    with pytest.raises(ValueError, match="unknown activation 'foo'") as info:
        get("foo")
    assert all(name in str(info.value) for name in NAMES)


def test_unknown_parameter_lists_valid_parameters():
    with pytest.raises(ValueError, match="valid parameters: beta, threshold"):
        get("softplus", alpha=1.0)


def test_parameter_for_parameterless_activation_says_it_takes_none():
    with pytest.raises(ValueError, match="selu takes no parameters"):
        get("selu", alpha=1.0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_parameter_is_rejected(value):
    with pytest.raises(ValueError, match="finite"):
        get("elu", alpha=value)


@pytest.mark.parametrize("value", [1j, "0.1", True, None])
def test_non_real_parameter_is_rejected(value):
    with pytest.raises(ValueError, match="real number"):
        get("leaky_relu", negative_slope=value)


@pytest.mark.parametrize("params", [{"beta": 0.0}, {"beta": -1.0}, {"threshold": 0.0}])
def test_softplus_rejects_nonpositive_beta_or_threshold(params):
    with pytest.raises(ValueError, match=r"must be in \(0, inf\)"):
        get("softplus", **params)


@pytest.mark.parametrize("value", ["erf", "Tanh", "", 1.0])
def test_gelu_rejects_unknown_approximate(value):
    with pytest.raises(ValueError, match="approximate"):
        get("gelu", approximate=value)


@pytest.mark.parametrize("value", [-0.5, 0.0, 5.0])
def test_slope_and_alpha_accept_any_finite_value(value):
    assert get("leaky_relu", negative_slope=value).params["negative_slope"] == value
    assert get("elu", alpha=value).params["alpha"] == value


# --- erf --------------------------------------------------------------------------------------


def test_erf_matches_math_erf_on_dense_grid_and_random_points():
    rng = np.random.default_rng(20240601)
    x = np.concatenate([np.linspace(-8, 8, 160_001), rng.normal(0, 2, 20_000)])
    expected = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(_erf(x) - expected)) <= 4e-16


@HYPOTHESIS
@given(x=st.floats(-10, 10))
def test_erf_matches_math_erf_anywhere(x):
    assert abs(float(_erf(x)) - math.erf(x)) <= 4e-16


def test_erf_is_odd_and_saturates():
    x = np.linspace(0, 30, 3001)
    np.testing.assert_array_equal(_erf(-x), -_erf(x))
    assert np.all(strict(_erf, np.array([6.0, 1e300, FMAX])) == 1.0)


def test_erfc_is_relatively_accurate_in_the_upper_tail():
    x = np.linspace(-5, 26, 3101)
    expected = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(_erfc(x), expected, rtol=2e-15)


# --- max_derivative / saturated_intervals -----------------------------------------------------


def _silu_peak() -> float:
    # Maximise σ(x)(1 + x(1 − σ(x))) by bisection on its derivative's sign (peak near 2.4).
    def slope(x: float) -> float:
        s = 1 / (1 + math.exp(-x))
        return s * (1 - s) * (2 + x * (1 - 2 * s))

    lo, hi = 1.0, 4.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if slope(mid) > 0 else (lo, mid)
    s = 1 / (1 + math.exp(-lo))
    return s * (1 + lo * (1 - s))


# Φ + xφ peaks where (2 − x²)φ = 0, i.e. at x = √2.
GELU_PEAK = 0.5 * (1 + math.erf(1.0)) + math.sqrt(2) * math.exp(-1) / math.sqrt(2 * math.pi)


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("sigmoid", {}, 0.25),
        ("tanh", {}, 1.0),
        ("relu", {}, 1.0),
        ("leaky_relu", {"negative_slope": -3.0}, 3.0),
        ("elu", {"alpha": 0.5}, 1.0),
        ("elu", {"alpha": 2.0}, 2.0),
        ("selu", {}, SELU_SCALE * SELU_ALPHA),
        ("gelu", {}, GELU_PEAK),
        ("silu", {}, _silu_peak()),
        ("softplus", {}, 1.0),
        ("softplus", {"beta": 0.5}, 1.0),
        ("linear", {}, 1.0),
    ],
)
def test_max_derivative_matches_closed_form(name, params, expected):
    assert max_derivative(get(name, **params)) == pytest.approx(expected, abs=1e-9)


def test_max_derivative_known_numbers():
    assert max_derivative(get("selu")) == pytest.approx(1.7581, abs=1e-4)
    assert max_derivative(get("gelu")) == pytest.approx(1.1289, abs=1e-4)
    assert max_derivative(get("silu")) == pytest.approx(1.0998, abs=1e-4)


def test_sigmoid_saturated_intervals_are_symmetric_tails():
    x = np.linspace(-10, 10, 20_001)
    intervals = saturated_intervals(x, get("sigmoid").derivative(x), 0.1)
    # σ' = 0.1 where σ = (1 ± √0.6)/2, i.e. |x| = log((1 + √0.6)/(1 − √0.6)) ≈ 2.063.
    edge = math.log((1 + math.sqrt(0.6)) / (1 - math.sqrt(0.6)))
    assert len(intervals) == 2
    (a0, a1), (b0, b1) = intervals
    assert (a0, b1) == (-10.0, 10.0)
    assert a1 == pytest.approx(-edge, abs=1e-3)
    assert b0 == pytest.approx(edge, abs=1e-3)


def test_relu_saturated_interval_ends_at_zero():
    x = np.linspace(-5, 5, 1001)
    assert saturated_intervals(x, get("relu").derivative(x), 0.5) == [(-5.0, 0.0)]


def test_saturated_intervals_edge_cases():
    x = np.linspace(-1, 1, 5)
    assert saturated_intervals(x, np.ones(5), 0.5) == []
    assert saturated_intervals(x, np.zeros(5), 0.5) == [(-1.0, 1.0)]
    assert saturated_intervals(x, np.array([0, 1, 0, 1, 0]), 0.5) == [
        (-1.0, -1.0),
        (0.0, 0.0),
        (1.0, 1.0),
    ]


def test_saturated_intervals_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="equal length"):
        saturated_intervals(np.arange(3.0), np.arange(4.0), 0.1)


# --- what the page draws ----------------------------------------------------------------------


def test_curves_are_f_and_its_derivative_on_an_even_grid_with_their_saturated_runs():
    act = get("sigmoid")
    drawn = curves(act, 6.0, 0.05)
    np.testing.assert_array_equal(drawn.x, np.linspace(-6.0, 6.0, 801))
    np.testing.assert_array_equal(drawn.f, act.forward(drawn.x))
    np.testing.assert_array_equal(drawn.df, act.derivative(drawn.x))
    assert drawn.saturated == tuple(saturated_intervals(drawn.x, drawn.df, 0.05))
    # σ(1 − σ) = 0.05 at σ = (1 ± √0.8)/2: σ′(x) < 0.05 for |x| > log((1 + √0.8)/(1 − √0.8))
    edge = math.log((1 + math.sqrt(0.8)) / (1 - math.sqrt(0.8)))
    (left, right) = drawn.saturated
    assert (left[0], right[1]) == (-6.0, 6.0)
    step = 12.0 / 800
    assert -edge - step <= left[1] <= -edge
    assert edge <= right[0] <= edge + step


def test_curves_take_the_number_of_points():
    assert curves(get("relu"), 5.0, 0.05, points=121).x.shape == (121,)


@pytest.mark.parametrize(
    ("xmax", "threshold", "points"), [(0.0, 0.05, 801), (6.0, -0.1, 801), (6.0, 0.05, 1)]
)
def test_curves_refuse_an_empty_range_a_negative_threshold_or_one_point(xmax, threshold, points):
    with pytest.raises(ValueError, match="must be in"):
        curves(get("relu"), xmax, threshold, points=points)


def test_tanh_identity_lands_on_tanh_and_the_slip_is_tanh_of_half_x():
    drawn = tanh_identity(6.0)
    np.testing.assert_array_equal(drawn.x, curves(get("tanh"), 6.0, 0.05).x)
    np.testing.assert_allclose(drawn.tanh_from_sigmoid, np.tanh(drawn.x), atol=1e-15)
    np.testing.assert_allclose(drawn.misremembered, np.tanh(drawn.x / 2), atol=1e-15)


# --- the notes' slips: tanh from sigmoid, and the maxima of f' ----------------------------------


def test_tanh_is_sigmoid_stretched_and_shifted_two_sigma_of_two_x_minus_one():
    x = np.linspace(-20.0, 20.0, 4001)
    np.testing.assert_allclose(tanh_from_sigmoid(x), np.tanh(x), atol=1e-15)


def test_two_sigma_of_x_minus_one_is_not_tanh_but_tanh_of_half_x():
    x = np.linspace(-10.0, 10.0, 2001)
    np.testing.assert_allclose(misremembered_tanh(x), np.tanh(x / 2), atol=1e-15)
    assert np.max(np.abs(misremembered_tanh(x) - np.tanh(x))) > 0.2


def test_maxima_of_f_prime_are_a_quarter_for_sigmoid_and_one_for_tanh_both_at_zero():
    x = np.linspace(-10.0, 10.0, 20_001)
    for name, top in (("sigmoid", 0.25), ("tanh", 1.0)):
        d = get(name).derivative(x)
        assert d.max() == pytest.approx(top, abs=1e-15)
        assert x[np.argmax(d)] == 0.0
    # tanh' = 4σ'(2x): "tanh' stays between 0 and ½" is wrong; it exceeds ½ on |x| < 0.66.
    assert np.mean(get("tanh").derivative(x) > 0.5) > 0.06

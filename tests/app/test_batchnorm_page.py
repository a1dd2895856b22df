"""The Batch normalization page as a visitor opens it: languages, controls, links, presets."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    chart_annotations,
    charts,
    decode,
    notices,
    numbers,
    open_page,
    texts,
)

from core import activations, batchnorm
from core.batchnorm_experiments import Recovery
from ui import i18n, state
from ui.state import widget_key
from ui.topics import batchnorm as topic

# One non-default value for every control on the page (target=moments draws its two sliders).
EVERY_PARAM = {
    "dist": "bimodal",
    "n": "37",
    "seed": "12",
    "eps": "0.001",
    "gamma": "2.5",
    "beta": "-1.25",
    "target": "moments",
    "tmean": "-1.5",
    "tstd": "2.2",
    "opt": "adam",
    "lr": "0.05",
    "steps": "240",
    "mom": "0.25",
    "sn": "4",
    "stream": "120",
    "act": "sigmoid",
}
WIDGETS = {
    "dist": "selectbox",
    "n": "slider",
    "seed": "slider",
    "eps": "select_slider",
    "gamma": "slider",
    "beta": "slider",
    "target": "radio",
    "tmean": "slider",
    "tstd": "slider",
    "opt": "radio",
    "lr": "select_slider",
    "steps": "slider",
    "mom": "slider",
    "sn": "slider",
    "stream": "slider",
    "act": "radio",
}
MINIMA = {
    "n": "2",
    "seed": "0",
    "eps": "1e-8",
    "gamma": "0",
    "beta": "-10",
    "target": "moments",
    "tmean": "-5",
    "tstd": "0",
    "lr": "0.001",
    "steps": "10",
    "mom": "0",
    "sn": "2",
    "stream": "20",
}
MAXIMA = {
    "n": "512",
    "seed": "999",
    "eps": "1",
    "gamma": "10",
    "beta": "10",
    "target": "moments",
    "tmean": "5",
    "tstd": "5",
    "lr": "2",
    "steps": "500",
    "mom": "1",
    "sn": "256",
    "stream": "500",
}


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, "batchnorm"))


def button(at, label):
    return next(b for b in at.button if b.label == label)


def assert_finite(at):
    for figure in charts(at):
        for array in numbers(figure):
            assert np.isfinite(array).all()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_without_exception(lang):
    at = open_page("batchnorm", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert notices(at) == []
    assert len(charts(at)) == 8
    assert at.title[0].value == {"en": "Batch normalization", "ko": "배치 정규화 (BN)"}[lang]
    assert len(at.header) == 5


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("batchnorm", {"lang": "ko"})
    titles = chart_annotations(at)
    assert "정규화" in titles
    assert "BN 전" in titles


def test_default_payload_is_well_under_a_megabyte():
    at = open_page("batchnorm", {"lang": "en"})
    assert sum(len(c.proto.spec) for c in at.get("plotly_chart")) < 500_000


def test_exact_recovery_error_is_printed_and_tiny():
    at = open_page("batchnorm", {"lang": "en"})
    said = texts(at)
    assert "Exact recovery" in said
    g_star, b_star = batchnorm.recover_params(
        batchnorm.sample_batch("shifted_scaled", 128, 0)[:, 0]
    )
    assert f"{g_star:.6g}" in said
    assert f"{b_star:.6g}" in said
    exponent = int(said.split("max |y − x| = **")[1].split("**")[0].split("e")[1])
    assert exponent <= -14  # recover.md: "about 10⁻¹⁵, floating-point rounding"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("dist", "skewed"),
        ("n", 300),
        ("seed", 7),
        ("eps", 0.1),
        ("gamma", 3.0),
        ("beta", 2.0),
        ("target", "moments"),
        ("tmean", 3.0),
        ("tstd", 1.5),
        ("opt", "momentum"),
        ("lr", 0.5),
        ("steps", 50),
        ("mom", 0.5),
        ("sn", 64),
        ("stream", 100),
        ("act", "sigmoid"),
    ],
)
def test_changing_each_control_changes_the_figures(key, value):
    params = {"target": "moments"} if key in ("tmean", "tstd") else {}
    at = open_page("batchnorm", params)
    before = charts(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert charts(at) != before


def test_a_link_with_every_parameter_restores_every_control():
    at = open_page("batchnorm", EVERY_PARAM)
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(widget(at, key).value, raw, key)


def test_a_link_with_every_parameter_round_trips_into_the_url():
    at = open_page("batchnorm", EVERY_PARAM)
    assert {k: at.query_params[k] for k in EVERY_PARAM} == {
        k: [v] if isinstance(at.query_params[k], list) else v for k, v in EVERY_PARAM.items()
    }


HOSTILE = {
    "n": ["1", "<script>alert(1)</script>"],
    "gamma": ["inf", "6" * 500],
    "eps": ["0"],
    "dist": ["__import__('os')"],
    "opt": ["**bold**"],
    "target": ["<img src=x onerror=alert(1)>"],
    "lr": ["NaN"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("batchnorm", {key: raw}, key)


def test_all_sliders_at_their_minimum_give_finite_figures():
    at = open_page("batchnorm", MINIMA)
    assert not at.exception
    assert notices(at) == []
    assert len(charts(at)) == 8
    assert_finite(at)


def test_all_sliders_at_their_maximum_give_finite_figures_and_explain_divergence():
    at = open_page("batchnorm", MAXIMA)
    assert not at.exception
    said = notices(at)
    assert len(said) == 1
    assert "too large" in said[0]  # lr = 2 diverges, and the page says so in words
    assert len(charts(at)) == 8
    assert_finite(at)


@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
def test_every_distribution_with_a_batch_of_two_renders(dist):
    at = open_page("batchnorm", {"dist": dist, "n": "2", "sn": "2"})
    assert not at.exception
    assert_finite(at)


def test_recover_button_sets_gamma_and_beta_to_the_recovery_point():
    at = open_page("batchnorm", {"lang": "en", "dist": "skewed", "n": "64", "seed": "3"})
    button(at, "Recover the input").click().run()
    assert not at.exception
    g_star, b_star = batchnorm.recover_params(batchnorm.sample_batch("skewed", 64, 3)[:, 0])
    assert widget(at, "gamma").value == pytest.approx(g_star, abs=0.005 + 1e-9)
    assert widget(at, "beta").value == pytest.approx(b_star, abs=0.005 + 1e-9)
    # the output histogram now lies on the input's: y ≈ x up to the slider's grid
    steps_fig = charts(at)[0]
    y = numbers(steps_fig)[2]
    x = numbers(steps_fig)[0]
    assert np.max(np.abs(y - x)) < 0.05


def test_reset_button_returns_to_the_identity_initialization():
    at = open_page("batchnorm", {"lang": "en", "gamma": "4", "beta": "3"})
    button(at, "Reset to γ = 1, β = 0").click().run()
    assert widget(at, "gamma").value == 1.0
    assert widget(at, "beta").value == 0.0


def test_new_batch_button_draws_the_next_seed():
    at = open_page("batchnorm", {"lang": "en", "seed": "41"})
    before = charts(at)[0]
    button(at, "New batch").click().run()
    assert widget(at, "seed").value == 42
    assert charts(at)[0] != before


def test_learning_path_ends_at_the_target_minimum():
    at = open_page("batchnorm", {"target": "moments", "tmean": "2", "tstd": "0.5"})
    learning = charts(at)[1]
    path = next(t for t in learning["data"] if t.get("mode") == "lines+markers")
    gammas, betas = numbers({"data": [path]})
    assert gammas[0] == 1.0
    assert betas[0] == 0.0
    assert betas[-1] == pytest.approx(2.0, abs=1e-3)


def test_gradient_check_is_shown_with_a_small_error():
    at = open_page("batchnorm", {"lang": "en"})
    said = texts(at)
    error = float(said.split("Largest relative error: **")[1].split("**")[0])
    assert error < 1e-6
    assert len(at.latex) >= 5


def test_initialization_page_is_linked():
    at = open_page("batchnorm", {"lang": "ko"})
    links = [el.proto for el in at.get("page_link") if el.proto.page == "initialization"]
    assert len(links) == 2  # the sidebar's and the section's
    assert any(link.label.startswith("초기화") for link in links)
    assert all(link.query_string == "lang=ko" for link in links)


# --- every lesson the page states, asserted on the data its charts are drawn from --------------
# Chart order: 0 steps, 1 (γ, β) plane, 2 loss per step, 3 running statistics, 4 gap by batch
# size, 5 saturation, 6 gradient-check scatter, 7 relative errors.


def trace(figure, index):
    """Trace `index` of a chart's JSON as (x, y) arrays (a categorical x as it is)."""
    data = figure["data"][index]
    x = data["x"]
    numeric = isinstance(x, dict) or not isinstance(x[0], str)
    return (decode(x) if numeric else np.asarray(x)), decode(data["y"])


def skewness(values):
    centred = values - values.mean()
    return float(np.mean(centred**3) / np.mean(centred**2) ** 1.5)


@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
def test_steps_lesson_normalized_batch_has_mean_0_and_std_1_whatever_the_input(dist):
    # steps.md ②, intro.md: normalization alone forces mean 0 and variance 1.
    at = open_page("batchnorm", {"dist": dist})
    x, x_hat = numbers(charts(at)[0])[0], numbers(charts(at)[0])[1]
    assert abs(x_hat.mean()) < 1e-12
    assert x_hat.std() == pytest.approx(1.0, abs=1e-4)
    assert abs(x.mean()) > 1 or abs(x.std() - 1) > 0.1 or dist == "normal"


def test_steps_lesson_std_of_the_normalized_batch_falls_below_1_only_for_a_large_eps():
    # steps.md: std(x̂) = √(σ_B²/(σ_B² + ε)), almost 1 unless ε is comparable to σ_B².
    x_hat = numbers(charts(open_page("batchnorm", {"dist": "normal", "eps": "1"}))[0])[1]
    var_b = np.var(batchnorm.sample_batch("normal", 128, 0))
    assert x_hat.std() == pytest.approx(np.sqrt(var_b / (var_b + 1.0)), rel=1e-9)
    assert x_hat.std() < 0.8


@pytest.mark.parametrize("dist", ["skewed", "bimodal"])
def test_steps_lesson_only_the_shape_survives(dist):
    # steps.md: a skewed batch stays skewed, a bimodal one keeps both humps.
    x, x_hat = numbers(charts(open_page("batchnorm", {"dist": dist}))[0])[:2]
    assert skewness(x_hat) == pytest.approx(skewness(x), abs=1e-9)
    if dist == "skewed":
        assert skewness(x_hat) > 1
    else:  # two humps at ±3/√10 ≈ ±0.95 with a valley between them
        near_centre = np.mean(np.abs(x_hat) < 0.3)
        near_humps = np.mean(np.abs(np.abs(x_hat) - 0.95) < 0.3)
        assert near_humps > 3 * near_centre


def test_steps_lesson_output_has_mean_beta_and_gamma_times_the_std():
    # steps.md ③: mean(y) = β, std(y) = γ·std(x̂).
    at = open_page("batchnorm", {"gamma": "2.5", "beta": "-1.25"})
    x_hat, y = numbers(charts(at)[0])[1:3]
    assert y.mean() == pytest.approx(-1.25, abs=1e-12)
    assert y.std() == pytest.approx(2.5 * x_hat.std(), rel=1e-12)


def test_n_help_lesson_the_printed_moments_are_those_of_the_batch_drawn():
    # n_help: μ_B and σ_B² are computed from the N values the layer sees.
    figure = charts(open_page("batchnorm", {"lang": "en", "n": "37"}))[0]
    x = numbers(figure)[0]
    assert x.size == 37
    note = next(a["text"] for a in figure["layout"]["annotations"] if "mean" in a["text"])
    assert note == f"mean {x.mean():.4g} · std {x.std():.4g}"


def test_seed_help_lesson_the_same_seed_gives_the_same_batch():
    first = numbers(charts(open_page("batchnorm", {"seed": "7"}))[0])[0]
    again = numbers(charts(open_page("batchnorm", {"seed": "7"}))[0])[0]
    other = numbers(charts(open_page("batchnorm", {"seed": "8"}))[0])[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
def test_recover_lesson_exact_recovery_leaves_only_rounding(dist):
    # recover.md: max|y − x| ≈ 1e-15 at (γ*, β*); the sliders' 0.01 grid leaves more.
    at = open_page("batchnorm", {"lang": "en", "dist": dist})
    exact = float(texts(at).split("max |y − x| = **")[1].split("**")[0])
    assert exact < 1e-14
    button(at, "Recover the input").click().run()
    slider = float(texts(at).split("max |y − x| = **")[2].split("**")[0])
    x_hat = numbers(charts(at)[0])[1]
    # γ and β each within half a slider step: |y − x| ≤ 0.005·|x̂| + 0.005
    assert exact < slider <= 0.005 * np.abs(x_hat).max() + 0.005 + 1e-12


def _learning(params):
    at = open_page("batchnorm", {"lang": "en", **params})
    plane, curve = charts(at)[1], charts(at)[2]
    path = next(t for t in plane["data"] if t.get("mode") == "lines+markers")
    star = next(t for t in plane["data"] if t.get("marker", {}).get("symbol") == "star")
    return at, np.column_stack([decode(path["x"]), decode(path["y"])]), trace(curve, 0)[1], star


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("target", ["recover", "moments"])
def test_learning_lesson_every_optimizer_gets_there_at_the_default_learning_rate(opt, target):
    _, path, loss, star = _learning({"opt": opt, "target": target})
    assert loss[-1] < 1e-3
    assert loss[-1] < 1e-4 * loss[0]
    assert np.hypot(*(path[-1] - [star["x"][0], star["y"][0]])) < 0.05


def test_learning_lesson_sgd_at_half_lands_in_one_step_at_one_bounces_at_two_blows_up():
    _, _, half, _ = _learning({"opt": "sgd", "lr": "0.5"})
    assert half[1] < 1e-9 * half[0]  # curvature 2: lr = ½ is exactly the Newton step
    at, path, one, star = _learning({"opt": "sgd", "lr": "1"})
    offset = path[:, 1] - star["y"][0]
    assert np.all(np.sign(offset[1:]) == -np.sign(offset[:-1]))  # across the minimum each step
    assert one[-1] > 0.99 * one[0]  # and never closer
    assert notices(at) == []  # bouncing is not diverging: no warning
    at, _, _, _ = _learning({"opt": "sgd", "lr": "2"})
    assert any("too large" in said for said in notices(at))  # the diverged message


@pytest.mark.parametrize("lr", ["0.5", "1"])
def test_learning_lesson_momentum_overshoots_and_swings_back(lr):
    _, path, loss, star = _learning({"opt": "momentum", "lr": lr})
    start, minimum = path[0], np.array([star["x"][0], star["y"][0]])
    along = (path - start) @ (minimum - start) / np.sum((minimum - start) ** 2)
    assert along.max() > 1.05  # past the minimum
    assert np.any(np.diff(np.sign(along - 1)) != 0)  # and back again
    assert loss[-1] < 1e-2 * loss[0]  # it settles


@pytest.mark.parametrize("opt", ["sgd", "momentum"])
def test_learning_lesson_a_round_bowl_keeps_sgd_and_momentum_on_a_straight_line(opt):
    _, path, _, star = _learning({"opt": opt})
    start, minimum = path[0], np.array([star["x"][0], star["y"][0]])
    direction = (minimum - start) / np.linalg.norm(minimum - start)
    off_line = np.abs(np.cross(np.c_[path - start, 0 * path[:, 0]], [*direction, 0])[:, 2])
    assert off_line.max() < 1e-4 * np.linalg.norm(minimum - start)


def test_learning_lesson_adams_path_bends():
    _, path, _, star = _learning({"opt": "adam"})
    start, minimum = path[0], np.array([star["x"][0], star["y"][0]])
    direction = (minimum - start) / np.linalg.norm(minimum - start)
    off_line = np.abs(np.cross(np.c_[path - start, 0 * path[:, 0]], [*direction, 0])[:, 2])
    assert off_line.max() > 0.1 * np.linalg.norm(minimum - start)


def _running(params):
    figure = charts(open_page("batchnorm", params))[3]
    return {
        name: trace(figure, i)[1]
        for i, name in enumerate(
            ("batch_mean", "running_mean", "true_mean", "batch_var", "running_var", "true_var")
        )
    } | {"gap": trace(figure, 6)[1]}


def test_train_eval_lesson_the_running_line_smooths_the_batch_dots_towards_the_truth():
    run = _running({})
    half = len(run["running_mean"]) // 2
    for stat in ("mean", "var"):
        truth = run[f"true_{stat}"][0]
        running, batch = run[f"running_{stat}"][half:], run[f"batch_{stat}"][half:]
        assert running.std() < 0.4 * batch.std()
        assert abs(running.mean() - truth) < 0.1 * abs(truth)


def test_train_eval_lesson_small_m_is_smooth_but_slow_and_m_1_copies_the_last_batch():
    slow, default, copy = _running({"mom": "0.01"}), _running({}), _running({"mom": "1"})
    truth = default["true_mean"][0]
    jitter = {k: np.diff(r["running_mean"][100:]).std() for k, r in (("s", slow), ("d", default))}
    assert jitter["s"] < 0.2 * jitter["d"]

    def arrival(r):
        close = np.abs(r["running_mean"] - truth) < 0.1 * truth
        return int(np.argmax(close)) if close.any() else len(close)

    assert arrival(slow) > 3 * arrival(default)
    np.testing.assert_allclose(copy["running_mean"], copy["batch_mean"], rtol=1e-12)


def test_stream_help_lesson_tiny_batches_give_noisy_statistics_and_a_big_gap():
    # stream_n_help and train_eval.md: tiny batches → noisy μ_B, σ_B → train/eval outputs differ.
    tiny, large = _running({"sn": "2"}), _running({"sn": "64"})
    assert tiny["batch_mean"].std() > 4 * large["batch_mean"].std()
    assert tiny["gap"][100:].mean() > 5 * large["gap"][100:].mean()


@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
def test_gap_chart_lesson_the_gap_shrinks_roughly_like_one_over_root_n(dist):
    sizes, gaps = trace(charts(open_page("batchnorm", {"dist": dist}))[4], 0)
    slope = np.polyfit(np.log(sizes), np.log(gaps), 1)[0]
    assert -0.65 < slope < -0.3
    assert gaps[-1] < 0.2 * gaps[0]


def _saturated(at, act):
    """The shares of the chart's before and after pre-activations where |f′| < the threshold
    (the metrics print them rounded to a whole per cent)."""
    figure = charts(at)[5]
    before, after = (decode(t["x"]) for t in figure["data"] if t["type"] == "histogram")
    df = activations.get(act).derivative
    return [float(np.mean(np.abs(df(z)) < batchnorm.SATURATION_THRESHOLD)) for z in (before, after)]


@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
@pytest.mark.parametrize("dist", ["shifted_scaled", "bimodal"])
def test_saturation_lesson_a_shifted_or_wide_input_lands_mostly_in_the_bands(act, dist):
    before, after = _saturated(open_page("batchnorm", {"act": act, "dist": dist}), act)
    assert before > 0.5
    assert after < 0.05


@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
@pytest.mark.parametrize("dist", batchnorm.DISTRIBUTIONS)
def test_takeaway_normalized_pre_activations_stay_where_the_gradient_passes(act, dist):
    before, after = _saturated(open_page("batchnorm", {"act": act, "dist": dist}), act)
    assert after < 0.05
    assert after <= before


def test_saturation_lesson_the_grey_bands_are_where_the_derivative_is_below_the_threshold():
    figure = charts(open_page("batchnorm", {}))[5]
    z, df = trace(figure, 1)
    bands = [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    inside = np.zeros(z.size, dtype=bool)
    for lo, hi in bands:
        inside |= (z > lo + 1e-9) & (z < hi - 1e-9)
    assert np.all(df[inside] < batchnorm.SATURATION_THRESHOLD + 1e-12)
    edge = 0.06  # one grid step of the curve's z
    outside = np.ones(z.size, dtype=bool)
    for lo, hi in bands:
        outside &= (z < lo - edge) | (z > hi + edge)
    assert np.all(df[outside] >= batchnorm.SATURATION_THRESHOLD)


def test_formulas_lesson_the_gradient_sums_to_zero_and_the_page_prints_the_sum():
    at = open_page("batchnorm", {"lang": "en"})
    total = float(re.search(r"Σᵢ ∂L/∂xᵢ = (\S+?)\.?$", texts(at), re.M).group(1))
    analytic = trace(charts(at)[6], 1)[0]
    assert abs(analytic.sum()) < 1e-12 * np.abs(analytic).max() * analytic.size
    assert abs(total) < 1e-12


def test_formulas_lesson_a_batch_of_two_has_an_essentially_zero_gradient():
    at = open_page("batchnorm", {"n": "2"})
    analytic, numeric = trace(charts(at)[6], 1)
    assert np.abs(analytic).max() < 1e-4
    assert np.abs(numeric).max() < 1e-4
    errors = trace(charts(at)[7], 0)[1]
    assert errors.max() < batchnorm.GRADIENT_CHECK_PASS  # zero by cancellation is not wrong


@pytest.mark.parametrize(("n", "eps"), [("2", "1e-8"), ("128", "1e-5"), ("512", "1")])
def test_formulas_lesson_every_error_bar_is_below_the_dashed_line(n, eps):
    errors_chart = charts(open_page("batchnorm", {"n": n, "eps": eps}))[7]
    (line,) = errors_chart["layout"]["shapes"]
    assert line["y0"] == batchnorm.GRADIENT_CHECK_PASS
    assert trace(errors_chart, 0)[1].max() < line["y0"]


def test_learning_result_prints_the_loss_the_curve_ends_at():
    at, _, loss, _ = _learning({})
    printed = float(re.search(r"L = (\S+?)\.?$", texts(at), re.M).group(1))
    assert printed == pytest.approx(loss[-1], rel=1e-2)
    assert loss[-1] < 1e-16  # the curve is not flattened at a floor above the run's loss


# --- Korean: one term per idea, as the glossary lists --------------------------------------------

# What a careful read found on this page, with the glossary's term for it.
NOT_IN_KOREAN = {
    "Batch normalization": "배치 정규화",
    "Optimizer": "옵티마이저",
    "optimizer": "옵티마이저",
    "step": "스텝",
    "Step": "스텝",
    "Forward": "순전파",
    "forward": "순전파",
    "Backward": "역전파",
    "backward": "역전파",
    "(scale)": "스케일",
    "(shift)": "시프트",
    "학습률": "learning rate",
    "Batch size": "배치 크기",
    "seed": "시드",
    "gradient descent": "경사 하강법",
    "mini-batch": "미니배치",
    "et al": "외",
}


def korean_texts_of_the_page():
    ko = i18n.strings("ko")
    keys = [k for k in ko if k.startswith(("bn.", "batchnorm.")) or k.endswith("batchnorm")]
    keys += [k for k in ko if k.startswith("home.batchnorm_")]
    names = [p.stem for p in (Path(i18n.__file__).parents[1] / "content/ko/batchnorm").glob("*.md")]
    return {k: ko[k] for k in keys} | {n: i18n.markdown("ko", f"batchnorm/{n}") for n in names}


def test_korean_strings_of_the_page_use_the_glossary_terms():
    texts_ko = korean_texts_of_the_page()
    assert len(texts_ko) > 100
    found = {
        (where, wrong)
        for where, text in texts_ko.items()
        for wrong in NOT_IN_KOREAN
        if re.search(rf"(?<![A-Za-z_{{]){re.escape(wrong)}(?![A-Za-z}}])", text)
    }
    assert found == set()


def test_korean_title_and_navigation_say_batch_normalization_in_korean():
    at = open_page("batchnorm", {"lang": "ko"})
    assert at.title[0].value == "배치 정규화 (BN)"
    links = [el.proto.label for el in at.get("page_link") if el.proto.page == "batchnorm"]
    assert links == ["배치 정규화"]


# --- the page's controls and buttons, from the topic's table ----------------------------------


def test_every_control_the_page_draws_is_declared_once_in_the_topic_s_table():
    at = open_page("batchnorm", {"target": "moments"})  # draws the target's two sliders too
    drawn = at.session_state[state.SPECS_KEY]["batchnorm"]
    assert set(drawn) == set(topic.CONTROLS) == set(WIDGETS)
    for key, spec in drawn.items():
        assert spec == topic.CONTROLS[key].spec(), key


def test_reset_is_the_table_s_own_defaults_the_identity_initialization():
    assert topic.PRESETS["reset"] == {"gamma": 1.0, "beta": 0.0}
    for key, value in topic.PRESETS["reset"].items():
        assert topic.CONTROLS[key].default == value


def test_recover_values_snap_to_the_sliders_grid_and_say_when_they_are_out_of_reach():
    near = Recovery(gamma=2.8461, beta=5.1873, error=0.0)
    assert topic.recovered(near) == {"gamma": 2.85, "beta": 5.19}
    assert topic.recovery_in_reach(near)
    far = Recovery(gamma=30.0, beta=-12.0, error=0.0)
    assert topic.recovered(far) == {"gamma": 10.0, "beta": -10.0}
    assert not topic.recovery_in_reach(far)


def test_new_batch_is_the_next_seed_wrapping_round_at_the_last():
    assert topic.next_batch(41) == {"seed": 42}
    assert topic.next_batch(999) == {"seed": 0}


def test_controls_that_mirror_the_layer_take_the_layer_s_own_defaults():
    layer = batchnorm.BatchNorm(1)
    assert topic.CONTROLS["gamma"].default == layer.gamma[0] == 1.0  # torch's initialization
    assert topic.CONTROLS["beta"].default == layer.beta[0] == 0.0
    assert topic.CONTROLS["eps"].default == layer.eps == 1e-5  # torch's defaults
    assert topic.CONTROLS["mom"].default == layer.momentum == 0.1
    assert (topic.CONTROLS["mom"].lo, topic.CONTROLS["mom"].hi) == batchnorm.MOMENTUM_RANGE

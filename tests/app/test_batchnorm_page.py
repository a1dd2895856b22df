"""The Batch normalization page as a visitor opens it: languages, controls, links, presets."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    chart_annotations,
    charts,
    notices,
    numbers,
    open_page,
    texts,
)

from core import batchnorm
from ui.state import widget_key

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
    assert len(charts(at)) == 6
    assert at.title[0].value == "Batch normalization"
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
    assert exponent <= -12


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
    assert len(charts(at)) == 6
    assert_finite(at)


def test_all_sliders_at_their_maximum_give_finite_figures_and_explain_divergence():
    at = open_page("batchnorm", MAXIMA)
    assert not at.exception
    said = notices(at)
    assert len(said) == 1
    assert "too large" in said[0]  # lr = 2 diverges, and the page says so in words
    assert len(charts(at)) == 6
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

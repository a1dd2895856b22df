"""The Optimizers page as a visitor opens it: both languages, every control, links, presets."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    charts,
    decode,
    notices,
    numbers,
    open_page,
)

from core import optimizers, surfaces
from ui.i18n import translator
from ui.state import widget_key
from ui.topics.optimizers import CONTROLS, HYPERPARAMETERS, PRESETS

IGNORED = translator("en")("url.ignored_intro")

ALL = ",".join(optimizers.NAMES)

# One non-default value for every control drawn on the ravine with every optimizer picked.
EVERY_PARAM = {
    "opt": ALL,
    "steps": "60",
    "kappa": "25",
    "x0": "-3.5",
    "y0": "1.25",
    "sigma": "0.3",
    "seed": "7",
    "view": "3d",
    "t": "9",
    "sgd_lr": "0.05",
    "sgd_wd": "0.02",
    "momentum_lr": "0.002",
    "momentum_mu": "0.8",
    "momentum_damp": "0.1",
    "momentum_wd": "0.01",
    "nesterov_lr": "0.013",
    "nesterov_mu": "0.7",
    "nesterov_wd": "0.03",
    "adagrad_lr": "0.5",
    "adagrad_decay": "0.01",
    "adagrad_eps": "1e-06",
    "adagrad_wd": "0.04",
    "rmsprop_lr": "0.05",
    "rmsprop_alpha": "0.9",
    "rmsprop_mu": "0.5",
    "rmsprop_eps": "0.0001",
    "rmsprop_wd": "0.05",
    "rmsprop_c": "1",
    "adadelta_lr": "2",
    "adadelta_rho": "0.95",
    "adadelta_eps": "1e-05",
    "adadelta_wd": "0.06",
    "adam_lr": "0.1",
    "adam_b1": "0.8",
    "adam_b2": "0.99",
    "adam_eps": "1e-06",
    "adam_wd": "0.07",
    "adam_ams": "1",
    "adamw_lr": "0.13",
    "adamw_b1": "0.85",
    "adamw_b2": "0.9999",
    "adamw_eps": "1e-07",
    "adamw_wd": "0.1",
    "adamw_ams": "1",
    "adamax_lr": "0.1",
    "adamax_b1": "0.7",
    "adamax_b2": "0.99",
    "adamax_eps": "1e-09",
    "adamax_wd": "0.08",
    "nadam_lr": "0.1",
    "nadam_b1": "0.75",
    "nadam_b2": "0.9",
    "nadam_eps": "1e-05",
    "nadam_wd": "0.09",
}
SLIDERS = {"steps", "x0", "y0", "sigma", "seed", "t", "l2"}
SELECT_SLIDERS = {"kappa", "rb", "batch", "lr"}


def widget(at, key):
    """The widget drawn for link key `key`."""
    if key == "surf":
        return at.selectbox(key=widget_key("surf", "optimizers"))
    if key == "opt":
        return at.multiselect(key=widget_key("opt", "optimizers"))
    if key == "view":
        return at.radio(key=widget_key("view", "optimizers"))
    if key in SLIDERS:
        return at.slider(key=widget_key(key, "optimizers"))
    if key.endswith(("_ams", "_c")) or key == "same_lr":
        return at.toggle(key=widget_key(key, "optimizers"))
    if key in SELECT_SLIDERS or key.endswith(("_lr", "_b2", "_eps", "_alpha", "_rho")):
        return at.select_slider(key=widget_key(key, "optimizers"))
    return at.slider(key=widget_key(key, "optimizers"))


def page_state(at) -> list:
    """What a visitor sees change: every chart and the state table."""
    return [*charts(at), *(df.value.to_json() for df in at.dataframe)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_without_exception(lang):
    at = open_page("optimizers", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert notices(at) == []
    assert len(charts(at)) == 3  # the map, and progress as two charts side by side
    assert len(at.dataframe) == 1
    title = at.title[0].value
    assert title == ("손실 곡면과 옵티마이저" if lang == "ko" else "Optimizers on loss surfaces")


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("optimizers", {"lang": "ko"})
    text = json.dumps([fig["layout"] for fig in charts(at)], ensure_ascii=False)
    assert "가장 가까운 최솟값까지의 거리" in text
    assert "재생" in text


def test_default_view_has_animation_frames_carrying_only_the_dots():
    at = open_page("optimizers")
    paths = charts(at)[0]
    assert paths["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert all(trace["type"] == "scatter" for trace in paths["data"])
    assert len(paths["frames"]) == 101  # steps 0..100
    assert all(len(frame["data"]) == 3 for frame in paths["frames"])
    assert all(f["traces"] == paths["frames"][0]["traces"] for f in paths["frames"])
    assert paths["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"


def test_payload_at_defaults_is_small():
    at = open_page("optimizers")
    total = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    assert total < 400_000


def test_every_figure_is_finite_with_every_optimizer_and_noise():
    at = open_page("optimizers", {"opt": ALL, "sigma": "1", "view": "3d"})
    assert not at.exception
    for figure in charts(at):
        for array in numbers(figure):
            assert np.isfinite(array).all()


CHANGES = [
    ("surf", "rosenbrock"),
    ("opt", ["adagrad", "rmsprop"]),
    ("steps", 200),
    ("kappa", 20.0),
    ("x0", -2.0),
    ("y0", -1.0),
    ("sigma", 0.5),
    ("view", "3d"),
    ("t", 20),
    ("same_lr", True),
    ("sgd_lr", 0.05),
    ("sgd_wd", 0.1),
    ("momentum_lr", 0.005),
    ("momentum_mu", 0.5),
    ("momentum_damp", 0.5),
    ("momentum_wd", 0.2),
    ("adam_lr", 0.5),
    ("adam_b1", 0.5),
    ("adam_b2", 0.9),
    ("adam_eps", 0.1),
    ("adam_wd", 0.3),
    ("adam_ams", True),
]


@pytest.mark.parametrize(("key", "value"), CHANGES)
def test_changing_each_control_changes_what_is_shown(key, value):
    at = open_page("optimizers")
    before = page_state(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert page_state(at) != before


def test_the_noise_seed_changes_noisy_paths():
    at = open_page("optimizers", {"sigma": "0.5"})
    before = charts(at)
    widget(at, "seed").set_value(3).run()
    assert charts(at) != before


@pytest.mark.parametrize("name", [n for n in optimizers.NAMES if n not in ("sgd", "momentum")])
def test_each_optimizers_own_controls_change_its_path(name):
    at = open_page("optimizers", {"opt": name})
    for control in (CONTROLS[h.key] for h in HYPERPARAMETERS[name]):
        before = charts(at)[0]["data"]
        w = widget(at, control.key)
        if control.kind == "flag":
            w.set_value(not w.value)
        elif control.kind in ("choice", "log"):
            options = list(w.options)
            w.set_value(type(w.value)(options[0] if str(w.value) != options[0] else options[-1]))
        else:
            w.set_value(control.hi if w.value != control.hi else control.lo)
        at.run()
        assert not at.exception
        assert charts(at)[0]["data"] != before, control.key


def test_logistic_batch_size_and_l2_change_the_paths():
    at = open_page("optimizers", {"surf": "logistic"})
    assert not at.exception
    before = charts(at)
    widget(at, "batch").set_value(10).run()
    after_batch = charts(at)
    assert after_batch != before
    assert any("10" in c.value for c in at.caption)  # one epoch = 20 updates at batch 10
    widget(at, "l2").set_value(0.05).run()
    assert charts(at) != after_batch


def test_rosenbrock_steepness_changes_the_map():
    at = open_page("optimizers", {"surf": "rosenbrock"})
    before = charts(at)
    widget(at, "rb").set_value(10.0).run()
    assert charts(at) != before


def test_picking_another_surface_loads_its_start():
    at = open_page("optimizers")
    widget(at, "surf").set_value("himmelblau").run()
    assert not at.exception
    assert (widget(at, "x0").value, widget(at, "y0").value) == (0.0, 0.0)
    paths = charts(at)[0]
    start = next(t for t in paths["data"] if t.get("marker", {}).get("symbol") == "circle-open")
    assert decode(start["x"]).tolist() == [0.0]


def test_a_link_with_every_parameter_restores_every_control():
    at = open_page("optimizers", EVERY_PARAM)
    assert not at.exception
    assert notices(at) == []
    assert list(widget(at, "opt").value) == list(optimizers.NAMES)
    for key, raw in EVERY_PARAM.items():
        if key == "opt":
            continue
        assert_shows(widget(at, key).value, raw, key)


def test_a_link_with_every_parameter_round_trips_into_the_url():
    at = open_page("optimizers", EVERY_PARAM)
    got = {k: at.query_params[k] for k in EVERY_PARAM}
    assert got == {k: [v] if isinstance(got[k], list) else v for k, v in EVERY_PARAM.items()}


def test_a_logistic_link_round_trips():
    params = {"surf": "logistic", "batch": "20", "l2": "0.01", "same_lr": "1", "lr": "0.5"}
    at = open_page("optimizers", params)
    assert notices(at) == []
    assert widget(at, "batch").value == 20
    assert math.isclose(widget(at, "l2").value, 0.01)
    assert widget(at, "same_lr").value is True
    assert math.isclose(widget(at, "lr").value, 0.5)


HOSTILE = {
    "surf": ["<script>alert(1)</script>", "ravine;drop"],
    "opt": ["sgd,<img src=x onerror=alert(1)>", "adam," * 100],
    "steps": ["nan", "501", "15"],
    "x0": ["inf", "-99"],
    "kappa": ["1e9"],
    "adam_lr": ["-1", "**bold**"],
    "adam_b2": ["1"],
    "adam_ams": ["maybe"],
    "view": ["__import__('os')"],
    "t": ["9999"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("optimizers", {key: raw}, key)


@pytest.mark.parametrize("corner", ["lo", "hi"])
def test_extreme_corners_give_finite_figures(corner):
    """Every slider of every optimizer at its minimum, or at its maximum."""
    lo = corner == "lo"
    params = {
        "opt": ALL,
        "steps": "10" if lo else "500",
        "kappa": "1" if lo else "1000",
        "x0": "-5" if lo else "5",
        "y0": "-2.5" if lo else "2.5",
        "sigma": "0" if lo else "5",
        "seed": "0" if lo else "99",
        "t": "10" if lo else "500",
    }
    for name, hyperparameters in HYPERPARAMETERS.items():
        params[f"{name}_lr"] = "0.0001" if lo else "10"
        for c in (CONTROLS[h.key] for h in hyperparameters):
            if c.kind == "flag":
                params[c.key] = "0" if lo else "1"
            elif c.kind == "choice":
                params[c.key] = f"{(c.options[0] if lo else c.options[-1]):g}"
            else:
                params[c.key] = f"{c.lo if lo else c.hi:g}"
    for view in ("2d", "3d"):
        at = open_page("optimizers", {**params, "view": view})
        assert not at.exception
        assert not [w for w in notices(at) if IGNORED in w]  # every value was valid
        for figure in charts(at):
            for array in numbers(figure):
                assert np.isfinite(array).all()
        if not lo:  # lr = 10 everywhere: some runs diverge, and the page says so
            assert any("diverged" in str(w.value) for w in at.warning)


def test_divergence_is_explained_in_korean_too():
    at = open_page("optimizers", {"lang": "ko", "opt": "sgd", "sgd_lr": "0.2"})
    said = " ".join(str(w.value) for w in at.warning)
    assert "발산" in said
    assert "스텝" in said


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_applies_its_values(preset):
    at = open_page("optimizers")
    at.button(key=f"preset_{preset}").click().run()
    assert not at.exception
    values = PRESETS[preset]
    for key, value in values.items():
        shown = widget(at, key).value
        if isinstance(value, tuple):
            assert tuple(shown) == value, key
        elif isinstance(value, float):
            assert math.isclose(float(shown), value), key
        else:
            assert shown == value, key


def test_the_too_large_preset_diverges_and_says_where():
    at = open_page("optimizers")
    at.button(key="preset_too_large").click().run()
    said = " ".join(str(w.value) for w in at.warning)
    assert "SGD diverged at step" in said


def test_no_optimizer_picked_asks_for_one():
    at = open_page("optimizers", {"opt": ""})
    assert not at.exception
    assert len(at.info) == 1
    assert charts(at) == []


# --- every lesson the page states, asserted on the data its charts are drawn from --------------


def preset_page(preset: str, **changes):
    at = open_page("optimizers")
    at.button(key=f"preset_{preset}").click().run()
    for key, value in changes.items():
        widget(at, key).set_value(value).run()
    assert not at.exception
    return at


def drawn_paths(at) -> dict[str, np.ndarray]:
    """Each optimizer's path on the map, by its legend name: (steps + 1, 2)."""
    fig = charts(at)[0]
    return {
        t["name"]: np.column_stack([decode(t["x"]), decode(t["y"])])
        for t in fig["data"]
        if t.get("mode") == "lines+markers"
    }


def drawn_references(at) -> dict[str, np.ndarray]:
    fig = charts(at)[0]
    return {
        t["name"]: np.column_stack([decode(t["x"]), decode(t["y"])])
        for t in fig["data"]
        if t.get("line", {}).get("dash") == "dot" and t.get("mode") == "lines"
    }


def drawn_progress(at, which: int) -> dict[str, np.ndarray]:
    """f − f* (which=1) or the distance to the nearest minimum (which=2) per step, by name."""
    return {t["name"]: decode(t["y"]) for t in charts(at)[which]["data"]}


def test_zigzag_preset_momentum_beats_sgd_and_sgd_zig_zags():
    at = preset_page("zigzag")
    paths, gap = drawn_paths(at), drawn_progress(at, 1)
    sgd, momentum = paths["SGD"], paths["Momentum"]
    # SGD bounces between the walls: y changes sign at every one of the first 20 steps.
    assert (np.sign(sgd[1:21, 1]) == -np.sign(sgd[:20, 1])).all()
    # … and crawls along the floor: after 100 steps x is still 7 % of the way from the start.
    assert abs(sgd[-1, 0]) > 0.07 * abs(sgd[0, 0])
    # Momentum at the same lr damps the zig-zag and gets to the minimum; SGD does not.
    assert np.abs(momentum[10:21, 1]).max() < 0.6 * np.abs(sgd[10:21, 1]).max()
    assert gap["Momentum"][-1] < 1e-6
    assert gap["SGD"][-1] > 0.5
    assert gap["Momentum"][-1] < gap["SGD"][-1]
    assert math.isclose(widget(at, "lr").value, 0.025)
    assert 2 / widget(at, "kappa").value > 0.025  # just under SGD's limit 2/κ


def test_default_view_sgd_zig_zags_while_momentum_and_adam_get_through():
    """The home card's question: the page's default view must show it."""
    at = open_page("optimizers")
    paths, gap = drawn_paths(at), drawn_progress(at, 1)
    sgd = paths["SGD"]
    assert (np.sign(sgd[1:21, 1]) == -np.sign(sgd[:20, 1])).all()
    assert gap["Momentum"][-1] < gap["SGD"][-1] / 100
    assert gap["Adam"][-1] < gap["SGD"][-1] / 100


def test_rosenbrock_preset_adam_keeps_moving_while_sgd_crawls():
    at = preset_page("rosenbrock")
    distance = drawn_progress(at, 2)
    # SGD crawls: over the last 200 steps its distance to (1, 1) shrinks by less than 25 %.
    assert distance["SGD"][-1] > 0.75 * distance["SGD"][100]
    # Adam keeps moving along the floor: it halves its distance in the same steps, and ends closer.
    assert distance["Adam"][-1] < 0.5 * distance["Adam"][100]
    assert distance["Adam"][-1] < distance["SGD"][-1]


def test_saddle_preset_sgd_lingers_and_the_others_leave_first():
    at = preset_page("saddle")
    paths = drawn_paths(at)

    def escape(points):
        away = np.abs(points[:, 1]) > 0.5
        return int(np.argmax(away)) if away.any() else points.shape[0]

    # SGD slides toward the saddle and lingers there.
    assert np.hypot(*paths["SGD"].T).min() < 0.25
    assert escape(paths["SGD"]) > 90
    # Momentum, and the normalised steps of RMSProp and Adam, leave well before it.
    for name in ("Momentum", "RMSProp", "Adam"):
        assert escape(paths[name]) < escape(paths["SGD"]) / 3, name


def test_too_large_preset_sgd_overshoots_further_each_step_and_diverges():
    at = preset_page("too_large")
    sgd = drawn_paths(at)["SGD"]
    assert 2 / widget(at, "kappa").value < 0.13
    swing = np.abs(sgd[:, 1])
    assert (swing[1:] > swing[:-1]).all()  # every step overshoots further
    assert (np.sign(sgd[1:, 1]) == -np.sign(sgd[:-1, 1])).all()
    said = " ".join(str(w.value) for w in at.warning)
    assert "SGD diverged at step" in said


def test_minibatch_preset_noisy_steps_around_the_full_batch_path_shrink_with_the_batch():
    def deviation(at):
        path, reference = drawn_paths(at)["SGD"], drawn_references(at)["SGD without noise"]
        travelled = np.hypot(*(reference[-1] - reference[0]))
        return np.hypot(*(path - reference).T) / travelled

    small = deviation(preset_page("minibatch"))
    large = deviation(preset_page("minibatch", batch=50))
    assert small.mean() > 0.01  # noisy steps …
    assert small.mean() < 0.2  # … around the full-batch path
    assert large.mean() < small.mean() / 2  # a larger batch: closer to it


def test_ravine_sgd_y_flips_sign_and_x_shrinks_by_one_minus_lr():
    at = open_page("optimizers", {"opt": "sgd", "sgd_lr": "0.02"})
    sgd = drawn_paths(at)["SGD"]
    np.testing.assert_allclose(sgd[1:, 0], sgd[:-1, 0] * (1 - 0.02))
    np.testing.assert_allclose(sgd[1:, 1], sgd[:-1, 1] * (1 - 0.02 * 79.0))
    assert (np.sign(sgd[1:, 1]) == -np.sign(sgd[:-1, 1])).all()


def test_ravine_above_two_over_kappa_diverges():
    at = open_page("optimizers", {"opt": "sgd", "sgd_lr": "0.032"})  # 2/79 = 0.0253
    assert any("SGD diverged" in str(w.value) for w in at.warning)


def test_ravine_raising_kappa_slows_sgd_at_its_largest_stable_lr():
    finals = []
    for kappa, lr in (("20", "0.079"), ("79", "0.025"), ("250", "0.0079")):
        at = open_page("optimizers", {"opt": "sgd", "kappa": kappa, "sgd_lr": lr})
        finals.append(drawn_progress(at, 2)["SGD"][-1])
    assert finals[0] < finals[1] < finals[2]


def test_himmelblau_from_the_origin_sgd_and_momentum_reach_different_minima():
    at = open_page("optimizers", {"surf": "himmelblau", "opt": "sgd,momentum", "steps": "300"})
    widget(at, "x0").set_value(0.0).run()
    widget(at, "y0").set_value(0.0).run()
    minima = surfaces.get("himmelblau").minima
    nearest = {}
    for name, path in drawn_paths(at).items():
        d = np.hypot(*(minima - path[-1]).T)
        assert d.min() < 0.5, name
        nearest[name] = int(np.argmin(d))
    assert nearest["SGD"] != nearest["Momentum"]


def test_progress_on_the_ravine_the_loss_falls_faster_than_the_distance():
    at = open_page("optimizers")
    gap, distance = drawn_progress(at, 1)["SGD"], drawn_progress(at, 2)["SGD"]
    assert gap[-1] / gap[0] < (distance[-1] / distance[0]) / 10


def test_noise_cloud_grows_with_the_learning_rate():
    def cloud(lr):
        at = open_page("optimizers", {"opt": "sgd", "sigma": "1", "sgd_lr": lr, "steps": "300"})
        path, reference = drawn_paths(at)["SGD"], drawn_references(at)["SGD without noise"]
        return (path[-100:] - reference[-100:]).std(axis=0)  # the cloud's size in x and y

    assert (cloud("0.02") > 2 * cloud("0.005")).all()


def test_home_card_summary_names_every_optimizer():
    for lang in ("en", "ko"):
        summary = translator(lang)("home.optimizers_summary")
        for name in optimizers.NAMES:
            assert translator(lang)(f"opt.name.{name}").lower() in summary.lower(), (lang, name)


def test_more_popover_names_what_it_holds_per_optimizer():
    at = open_page("optimizers", {"opt": "sgd,momentum,adam"})
    labels = [p.proto.popover.label for p in at.get("popover")]
    assert labels == [
        "More: weight decay λ",
        "More: dampening τ, weight decay λ",
        "More: ε, weight decay λ, AMSGrad",
    ]


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"lr": "abc"}, "lr"),
        ({"adagrad_lr": "abc"}, "adagrad_lr"),  # an optimizer that is not picked
        ({"same_lr": "1", "sgd_lr": "-3"}, "sgd_lr"),  # drawn as one shared lr instead
        ({"surf": "beale", "kappa": "1e9"}, "kappa"),  # a surface without κ
        ({"surf": "logistic", "sigma": "nan"}, "sigma"),
        ({"batch": "7"}, "batch"),
    ],
)
def test_a_bad_value_of_a_parameter_no_control_reads_is_named_and_dropped(params, key):
    at = open_page("optimizers", params)
    assert not at.exception
    said = " ".join(notices(at))
    assert IGNORED in said
    assert f"`{key}`" in said or key in said
    assert key not in at.query_params


def test_a_good_value_of_an_unread_parameter_waits_for_its_control():
    at = open_page("optimizers", {"lr": "0.5"})
    assert notices(at) == []
    widget(at, "same_lr").set_value(True).run()
    assert math.isclose(widget(at, "lr").value, 0.5)


def test_noise_helps_sgd_leave_the_saddle_sooner():
    """takeaways: saddles have tiny gradients; noise (like momentum and adaptive steps) helps."""

    def escape(points):
        away = np.abs(points[:, 1]) > 0.5
        return int(np.argmax(away)) if away.any() else points.shape[0]

    clean = escape(drawn_paths(preset_page("saddle"))["SGD"])
    for seed in (0, 1, 2):
        noisy = escape(drawn_paths(preset_page("saddle", sigma=0.5, seed=seed))["SGD"])
        assert noisy < clean - 15, seed


def test_momentum_overshoots_the_minimum_and_oscillates_before_it_settles():
    at = open_page("optimizers", {"opt": "momentum"})
    x = drawn_paths(at)["Momentum"][:, 0]
    crossings = np.count_nonzero(np.diff(np.sign(x)) != 0)
    assert x.max() > 0.5  # from x = −4 it runs past the minimum at 0 …
    assert crossings >= 3  # … swings back and forth …
    assert drawn_progress(at, 2)["Momentum"][-1] < 0.05  # … and settles


def test_korean_divergence_notice_reads_right_for_every_name():
    tr = translator("ko")
    for name in optimizers.NAMES:
        text = tr("opt.diverged", name=tr(f"opt.name.{name}"), step=7, why=tr("opt.reason.nan"),
                  lr="0.2")  # fmt: skip
        assert "(는)" not in text
        assert "(이)" not in text
        assert "습니다:" not in text  # no colon after a finished sentence
        assert "ε을" in text
    said = tr("opt.epochs", batch=5, per_epoch=40, epochs="5")
    assert "배치 크기(5)" in said
    assert "Batch size" not in said


def test_korean_optimizer_texts_use_the_glossary_terms():
    import pathlib
    import tomllib

    def values(table):
        for v in table.values():
            yield from values(v) if isinstance(v, dict) else [v]

    root = pathlib.Path(__file__).resolve().parents[2] / "content" / "ko"
    texts = [p.read_text() for p in (root / "optimizers").glob("*.md")]
    texts += values(tomllib.loads((root / "optimizers.toml").read_text()))
    joined = "\n".join(texts)
    for wrong in ("새는 평균", "Batch size", "batch size", "seed", "Mini-batch", "정규화되지",
                  "가까이면", "Logistic regression", "cross-entropy"):  # fmt: skip
        assert wrong not in joined, wrong
    takeaways = (root / "optimizers" / "takeaways.md").read_text()
    assert "누적 *합*" in takeaways  # only AdaGrad sums …
    # … RMSProp and Adam use an exponential moving average
    assert "지수 이동 평균" in " ".join(takeaways.split()).replace("* 평균", " 평균")

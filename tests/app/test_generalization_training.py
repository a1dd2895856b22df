"""The generalization page's sections 3–4 as a visitor uses them: early stopping on the charts'
data, the restored weights, each preset's claim, the penalty's closed form, every control in the
link in both languages, and what reruns training."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from apptools import charts, decode, notices, open_page, texts

from core import optimizers
from core import regularization as reg
from ui import i18n
from ui.state import widget_key
from ui.topics.generalization import training as topic

EN = i18n.translator("en")


def chart(at, title_key, **fields):
    """The figure whose title is `title_key`'s words (figures of other sections have others)."""
    title = EN(title_key, **fields)
    return next(c for c in charts(at) if c["layout"].get("title", {}).get("text") == title)


def line(figure, name_key, **fields):
    name = EN(name_key, **fields)
    trace = next(t for t in figure["data"] if t.get("name") == name)
    return decode(trace["x"]).astype(float), decode(trace["y"]).astype(float)


def with_preset(name):
    at = open_page("generalization", {"lang": "en"})
    next(b for b in at.button if b.label == EN(f"gen.fit.preset.{name}")).click().run()
    assert not at.exception
    return at


def test_defaults_overfit_and_early_stopping_restores_the_validation_minimum():
    at = open_page("generalization", {"lang": "en"})
    assert not at.exception
    epochs = chart(at, "gen.fit.fig.epochs_title")
    _, val = line(epochs, "gen.fit.fig.val")
    _, train = line(epochs, "gen.fit.fig.train")
    _, test = line(epochs, "gen.fit.fig.test")
    best = int(np.argmin(val[1:])) + 1
    assert best == 36
    marker = line(epochs, "gen.fit.fig.restored", epoch=best)
    assert marker[0].tolist() == [best]
    assert test[best] < 0.65 * test[-1]  # the restored weights generalize better
    assert train[-1] < 0.2 * train[best]  # while the training loss kept falling
    stops = [s for s in epochs["layout"]["shapes"] if s["x0"] == best + 10]
    assert len(stops) == 1  # patience 10: stopped 10 epochs after the best
    said = texts(at)
    assert "lowest at epoch **36**" in said
    assert "training stops after epoch **46**" in said
    assert f"Their test loss is **{test[best]:#.3g}**" in said


def test_the_restored_curve_is_the_network_of_that_epoch():
    at = open_page("generalization", {"lang": "en"})
    shown = chart(at, "gen.fit.fig.at_best", epoch=36)
    _, y = line(shown, "gen.fit.fig.network")
    back = reg.restore(reg.Settings(), 36)
    assert np.array_equal(y, back.curve.astype(np.float32).astype(float))
    last = chart(at, "gen.fit.fig.at_last", epoch=350)
    assert not np.allclose(line(last, "gen.fit.fig.network")[1], y, atol=0.05)


def test_patience_and_min_delta_rerun_no_full_training(monkeypatch):
    calls = []
    real = reg.train

    def counted(settings):
        calls.append(settings.epochs)
        return real(settings)

    monkeypatch.setattr(reg, "train", counted)
    at = open_page("generalization", {"lang": "en", "fitseed": "4", "fitep": "150"})
    full = calls.count(150)
    at.session_state[widget_key("fitpat", "generalization")] = 40
    at.run()
    at.session_state[widget_key("fitdelta", "generalization")] = 0.005
    at.run()
    assert not at.exception
    assert calls.count(150) == full  # only restores: runs shorter than the full one
    at.session_state[widget_key("fitn", "generalization")] = 30
    at.run()
    assert calls.count(150) > full


def test_weight_decay_preset_lowers_the_test_loss_shrinks_and_smooths():
    at = with_preset("fit_l2")
    losses = chart(at, "gen.fit.fig.penalty_title")
    _, test = line(losses, "gen.fit.fig.test")
    _, test0 = line(losses, "gen.fit.fig.test0")
    assert test[-1] < 0.6 * test0[-1]
    fits = chart(at, "gen.fit.fig.fits_title")
    _, wiggly = line(fits, "gen.fit.fig.no_penalty")
    _, smooth = line(fits, "gen.fit.fig.with_penalty")
    assert np.abs(np.diff(smooth, 2)).sum() < 0.5 * np.abs(np.diff(wiggly, 2)).sum()
    norms = chart(at, "gen.fit.fig.norm_title")
    _, none = line(norms, "gen.fit.fig.none")
    _, adam = line(norms, "gen.fit.fig.adam_l2", lam="0.01")
    _, adamw = line(norms, "gen.fit.fig.adamw", lam="0.01")
    assert adam[-1] < 0.5 * adamw[-1] < 0.5 * none[-1]  # the decay sentence's comparison
    assert "Adam's coupled L2 ends at ‖θ‖ = **4.00**, AdamW's decoupled decay at **16.7**" in (
        texts(at)
    )


def test_total_loss_minus_data_loss_is_the_closed_form_penalty_on_the_chart():
    at = with_preset("fit_l2")
    losses = chart(at, "gen.fit.fig.penalty_title")
    _, data = line(losses, "gen.fit.fig.data_loss")
    _, total = line(losses, "gen.fit.fig.total_loss")
    _, penalty = line(losses, "gen.fit.fig.penalty")
    assert np.allclose(total - data, penalty, rtol=1e-5, atol=1e-7)
    fit = reg.train(topic.penalized(topic.PRESETS["fit_l2"]))
    theta = fit.parameters
    assert penalty[-1] == pytest.approx(0.5 * 0.01 * theta @ theta, rel=1e-6)


def test_adamw_preset_needs_a_hundred_times_the_lambda():
    at = with_preset("fit_adamw")
    losses = chart(at, "gen.fit.fig.penalty_title")
    assert line(losses, "gen.fit.fig.test")[1][-1] < 0.8 * line(losses, "gen.fit.fig.test0")[1][-1]
    _, adamw = line(chart(at, "gen.fit.fig.norm_title"), "gen.fit.fig.adamw", lam="1")
    small = reg.train(topic.penalized(topic.PRESETS["fit_adamw"] | {"fitlam": 0.01}))
    adam = reg.train(topic.penalized(topic.PRESETS["fit_l2"]))
    assert adamw[-1] < 0.6 * small.norm[-1]  # shrunk clearly, at last
    assert adamw[-1] > adam.norm[-1]  # and still above Adam's coupled L2 at 0.01


def test_l1_preset_zeroes_most_parameters_shrinks_the_norm_and_lowers_test_and_total_loss():
    at = with_preset("fit_l1")
    hist = chart(at, "gen.fit.fig.hist_title", count="1,153")
    zeros = next(t for t in hist["data"] if t["name"].startswith("exactly 0"))
    count = int(decode(zeros["y"])[0])
    assert count >= 1000  # "all but a handful of the 1,153 parameters become exactly 0"
    losses = chart(at, "gen.fit.fig.penalty_title")
    _, total = line(losses, "gen.fit.fig.total_loss")
    _, test = line(losses, "gen.fit.fig.test")
    _, test0 = line(losses, "gen.fit.fig.test0")
    assert np.all(np.diff(total) <= 1e-6 * total[:-1])  # the total loss never climbs
    assert total[-1] < 0.2 * total[0]
    assert test[-1] < test0[-1]  # "lower than without the penalty"
    norms = chart(at, "gen.fit.fig.norm_title")
    _, with_l1 = line(norms, "gen.fit.fig.prox", lam="0.01")
    _, without = line(norms, "gen.fit.fig.none")
    assert with_l1[-1] < 0.5 * without[-1]  # "‖θ‖ shrinks"
    said = texts(at)
    assert f"parameters exactly 0: **{count}** of 1,153 (without: 0)" in said
    assert "leaves **0**: it pushes each weight past 0" in said


def test_when_patience_never_runs_out_the_page_restores_the_best_weights_and_says_keras_not():
    at = open_page("generalization", {"lang": "en", "fitep": "50", "fitpat": "100"})
    assert not at.exception
    fit = reg.train(dataclasses.replace(reg.Settings(), epochs=50))
    stop = reg.early_stopping(fit.val_loss, 100)
    assert stop.stopped_epoch is None
    assert stop.best_epoch < 50
    said = texts(at)
    assert "Keras would then keep the last epoch's weights" in said
    assert f"restores the weights of epoch {stop.best_epoch}" in said
    _, y = line(chart(at, "gen.fit.fig.at_best", epoch=stop.best_epoch), "gen.fit.fig.network")
    back = reg.restore(fit.settings, stop.best_epoch)
    assert np.array_equal(y, back.curve.astype(np.float32).astype(float))  # best, not the last


def test_adamw_preset_calls_data_plus_half_lambda_norm_a_reference_it_does_not_minimize():
    at = with_preset("fit_adamw")
    names = {t["name"] for t in chart(at, "gen.fit.fig.penalty_title")["data"]}
    assert EN("gen.fit.fig.total_reference") in names
    assert "a reference only" in texts(at)


def test_every_control_round_trips_through_the_link_in_korean():
    values = {
        "fitn": 30, "fitnoise": 0.2, "fitw": 16, "fitep": 200, "fitseed": 7, "fitpat": 25,
        "fitdelta": 0.002, "fitreg": "l1", "fitopt": "sgd", "fitlam": 0.003,
        "fitl1": "subgradient",
    }  # fmt: skip
    link = {k: topic.TABLE[k].spec().serialize(v) for k, v in values.items()}
    at = open_page("generalization", link | {"lang": "ko"})
    assert not at.exception
    assert notices(at) == []
    for key, value in values.items():
        assert at.session_state[widget_key(key, "generalization")] == value, key
    ko = i18n.translator("ko")
    labels = {s.label for s in at.slider} | {r.label for r in at.radio}
    assert {ko("gen.fit.ctl.fitpat"), ko("gen.fit.ctl.fitl1"), ko("gen.fit.ctl.fitlam")} <= (
        labels | {s.label for s in at.select_slider}
    )
    assert "검증 손실은 epoch" in texts(at)


def test_the_optimizers_page_is_linked_in_both_languages():
    for lang in ("en", "ko"):
        at = open_page("generalization", {"lang": lang, "fitep": "50"})
        labels = [link.label for link in at.get("page_link")]
        assert i18n.translator(lang)("gen.fit.optimizers_link") in labels


def test_every_sentence_of_the_presets_matches_core():
    for name in topic.PRESETS:
        s = topic.penalized(topic.PRESETS[name])
        fit, base = reg.train(s), reg.train(topic.baseline(s))
        words = topic.penalty_words(fit, base)
        assert words["zeros"] == reg.zeros(fit.parameters)
        assert float(words["total"]) == pytest.approx(fit.total_loss[-1], rel=5e-3)
        early = reg.train(topic.settings(topic.PRESETS[name]))
        stop = reg.early_stopping(early.val_loss, topic.PRESETS[name]["fitpat"])
        key, said = topic.stop_words(early, stop)
        assert (key, said["best"], said["stop"]) == ("gen.fit.say.stops", 36, 46)
        if s.penalty == "l2":
            key, said = topic.decay_words(tuple(reg.train(r) for r in topic.compared(s)))
            assert said["shrink"] == f"{(1 - s.lr * s.lam) ** s.epochs:.3g}"


def test_settings_of_the_presets_are_those_their_words_give():
    s = topic.settings(topic.PRESETS["fit_early"])
    assert (s.points, s.width, s.epochs, s.optimizer, s.lr) == (20, 32, 350, "adam", 0.02)
    assert reg.network(s).parameters.size == 1153
    assert reg.data(s).x_test.size == 100
    assert topic.PRESETS["fit_early"]["fitpat"] == 10
    short = reg.early_stopping(reg.train(s).val_loss, 5)
    assert short.best_epoch < 36  # "patience 5 stops on a plateau before the real minimum"
    assert dataclasses.replace(s) == s
    defaults = optimizers.DEFAULTS  # "AdamW's default is λ = 0.01 against Adam's 0"
    assert (defaults["adamw"]["weight_decay"], defaults["adam"]["weight_decay"]) == (0.01, 0.0)


def test_korean_sections_3_4_write_gradient_and_noise_with_the_page_s_words():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "content" / "ko"
    texts_ko = [p.read_text("utf-8") for p in (root / "generalization").glob("fit_*.md")]
    toml = (root / "generalization.toml").read_text("utf-8")
    texts_ko.append(toml[toml.index("[gen.fit]") :].split("\n[gen.drop", 1)[0])
    for text in texts_ko:
        assert "기울기" not in text
        assert "잡음" not in text
    ko = i18n.translator("ko")
    assert ko("gen.fit.fig.pause") == "일시 정지"
    assert "gradient" in ko("gen.fit.say.decay_l2")

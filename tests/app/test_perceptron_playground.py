"""The perceptron page's playground as a visitor uses it: each preset's claim on the charts'
data, the run's arithmetic, divergence, every control in the link, and what reruns training."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import charts, decode, notices, open_page, texts

from core import playground
from ui import i18n
from ui.state import widget_key
from ui.topics import perceptron as topic

PLAY = ("boundary", "network", "loss", "accuracy", "updates", "confusion")


def play_charts(at):
    """The playground's six charts (the page's last ones), by name."""
    return dict(zip(PLAY, charts(at)[-len(PLAY) :], strict=True))


def curve(figure, split):
    """(epochs, values) of the train or test line of a loss or accuracy chart."""
    name = i18n.translator("en")(f"mlp.fig.{split}")
    line = next(t for t in figure["data"] if t.get("name") == name)
    return decode(line["x"]), decode(line["y"])


def with_preset(name, **changes):
    """Open the page, press the preset's button, optionally move more controls."""
    at = open_page("perceptron", {"lang": "en"})
    label = i18n.translator("en")(f"mlp.play.preset.{name}")
    next(b for b in at.button if b.label == label).click().run()
    claim = i18n.translator("en")(f"mlp.play.preset.{name}_help")
    assert claim in [i.value for i in at.info]  # the claim sits above the charts
    for key, value in changes.items():
        at.session_state[widget_key(key, "perceptron")] = value
    if changes:
        at.run()
        assert claim not in [i.value for i in at.info]  # no longer that preset's settings
    assert not at.exception
    return at


def link_of(values):
    """A link holding these control values, written as the controls write them."""
    specs = {key: topic.CONTROLS[key].spec() for key in values}
    return {key: specs[key].serialize(v) for key, v in values.items()}


def test_defaults_draw_six_charts_and_say_the_run_s_arithmetic():
    at = open_page("perceptron", {"lang": "en"})
    assert not at.exception
    drawn = play_charts(at)
    assert len(drawn["boundary"]["frames"]) == len(playground.snapshot_epochs(300))
    text = texts(at)
    assert "250 / 10 = **25** updates make one epoch" in text
    assert "The run made **7,500** updates in all (300 complete epochs)" in text
    x, y = curve(drawn["accuracy"], "test")
    assert x[-1] == 300
    assert y[-1] > 0.95  # TensorFlow Playground's first view: the circle, learned


def test_xor_without_a_hidden_layer_stays_near_chance():
    drawn = play_charts(with_preset("xor_linear"))
    _, accuracy = curve(drawn["accuracy"], "test")
    assert 0.35 < accuracy[-1] < 0.65
    images = drawn["network"]["layout"]["images"]
    assert len(images) == 3  # two inputs and the output: no hidden neuron


def test_xor_with_the_product_feature_is_solved_by_a_linear_model():
    drawn = play_charts(with_preset("xor_product"))
    _, accuracy = curve(drawn["accuracy"], "test")
    assert accuracy[-1] >= 0.99
    assert len(drawn["network"]["layout"]["images"]) == 4  # three inputs and the output


def test_the_spiral_needs_depth_about_99_against_77_percent():
    deep = curve(play_charts(with_preset("spiral_deep"))["accuracy"], "test")[1][-1]
    shallow = with_preset("spiral_deep", layers=1)
    assert round(100 * deep) == 99
    assert 0.74 <= curve(play_charts(shallow)["accuracy"], "test")[1][-1] <= 0.80


def test_six_sigmoid_layers_barely_leave_ln_2_where_tanh_learns():
    _, sigmoid = curve(play_charts(with_preset("sigmoid_deep"))["loss"], "train")
    assert sigmoid[-1] > 0.68
    tanh = with_preset("sigmoid_deep", **{f"a{i}": "tanh" for i in range(1, 7)})
    assert curve(play_charts(tanh)["loss"], "train")[1][-1] < 0.05


def test_zero_initialization_never_breaks_symmetry_only_the_output_bias_moves():
    run = playground.run(
        topic.settings(topic.PLAY_PRESETS["zero_init"], [(4, "tanh"), (2, "tanh")])
    )
    start, end = run.parameters[0], run.parameters[-1]
    assert np.all(start == 0)
    assert np.all(end[:-1] == 0)  # every weight and every hidden bias still 0
    assert end[-1] != 0  # the output bias, the last parameter, moved
    at = with_preset("zero_init")
    drawn = play_charts(at)
    images = [i["source"] for i in drawn["network"]["layout"]["images"]]
    first, second = images[2:6], images[6:8]  # after the two inputs: layer 1 (4), layer 2 (2)
    assert len(set(first)) == 1
    assert len(set(second)) == 1
    assert curve(drawn["accuracy"], "test")[1][-1] < 0.65
    links = [link.label for link in at.get("page_link")]
    assert i18n.translator("en")("mlp.play.preset.zero_init_link") in links


def test_too_large_a_learning_rate_diverges_and_says_where_with_finite_charts():
    at = with_preset("big_lr")
    warnings = [w.value for w in at.warning]
    assert any("diverged at update" in w for w in warnings)
    for name, figure in play_charts(at).items():
        for trace in figure["data"]:
            for axis in ("x", "y", "z"):
                if isinstance(trace.get(axis), dict):
                    assert np.all(np.isfinite(decode(trace[axis]).astype(float))), name


def test_noisy_small_data_overfits_train_loss_falls_while_test_loss_rises():
    drawn = play_charts(with_preset("overfit"))
    _, train = curve(drawn["loss"], "train")
    epochs, test = curve(drawn["loss"], "test")
    best = int(np.argmin(test))
    assert train[-1] < 0.05
    assert 10 <= epochs[best] <= 20  # "after about 15 epochs"
    assert test[-1] > 2 * test[best]


def test_every_playground_control_round_trips_through_the_link():
    values = {
        "ds": "moons", "noise": 0.15, "pts": 200, "share": 0.6, "feat": ("x1", "x2", "sin_x1"),
        "layers": 3, "n1": 5, "n2": 3, "n3": 7, "a1": "relu", "a2": "elu", "a3": "sigmoid",
        "init": "he_uniform", "loss": "mse", "opt": "adam", "lr": 0.01, "batch": 16,
        "droplast": True, "epochs": 60, "l1": 0.001, "l2": 0.01, "drop": 0.1, "bn": True,
        "seed": 5, "disc": True,
    }  # fmt: skip
    at = open_page("perceptron", link_of(values) | {"lang": "ko"})
    assert not at.exception
    assert notices(at) == []
    for key, value in values.items():
        kept = at.session_state[widget_key(key, "perceptron")]
        assert (tuple(kept) if key == "feat" else kept) == value, key
    assert "⌊120 / 16⌋" in texts(at)  # 200 points · 0.6, drop_last


def test_changing_only_the_shown_epoch_or_discretize_reruns_no_training(monkeypatch):
    calls = []
    real = playground.run

    def counted(settings):
        calls.append(settings)
        return real(settings)

    monkeypatch.setattr(playground, "run", counted)
    at = open_page("perceptron", {"seed": "321", "epochs": "40"})
    assert len(calls) == 1
    epochs = playground.snapshot_epochs(40)
    at.session_state[widget_key("at", "perceptron")] = int(epochs[3])
    at.run()
    at.session_state[widget_key("disc", "perceptron")] = True
    at.run()
    assert len(calls) == 1
    assert not at.exception
    at.session_state[widget_key("lr", "perceptron")] = 0.1
    at.run()
    assert len(calls) == 2


def test_three_classes_train_with_cross_entropy_and_say_so():
    at = open_page("perceptron", {"ds": "spiral3", "loss": "mse", "epochs": "20"})
    assert not at.exception
    assert i18n.translator("en")("mlp.play.loss_for_multiclass") in [i.value for i in at.info]
    confusion = play_charts(at)["confusion"]
    assert any(np.asarray(decode(t["z"])).shape == (3, 3) for t in confusion["data"] if "z" in t)


def test_a_regression_set_draws_no_accuracy_or_confusion():
    at = open_page("perceptron", {"ds": "bumps", "epochs": "20"})
    assert not at.exception
    names = [c.get("layout", {}).get("title", {}).get("text", "") for c in charts(at)[-4:]]
    assert not any("accuracy" in n.lower() or "confusion" in n.lower() for n in names)


@pytest.mark.parametrize("raw", ["-1", "abc", "1001", "7.5"])
def test_a_bad_shown_epoch_in_the_link_falls_back_to_the_last_with_one_notice(raw):
    at = open_page("perceptron", {"at": raw, "epochs": "20"})
    assert not at.exception
    assert len(notices(at)) == 1
    assert at.session_state[widget_key("at", "perceptron")] == 20


def test_the_shown_epoch_follows_the_end_of_a_longer_run_unless_it_was_moved():
    at = open_page("perceptron", {"epochs": "40"})
    shown = widget_key("at", "perceptron")
    assert at.session_state[shown] == 40
    at.session_state[widget_key("epochs", "perceptron")] = 60
    at.run()
    assert at.session_state[shown] == 60  # left at the last epoch: stays at the last
    at.session_state[shown] = 20
    at.run()
    at.session_state[widget_key("epochs", "perceptron")] = 80
    at.run()
    assert at.session_state[shown] == 20  # moved by the learner: kept


def test_new_initial_weights_moves_the_seed_and_changes_the_start():
    at = open_page("perceptron", {"epochs": "20"})
    before = curve(play_charts(at)["loss"], "train")[1][0]
    label = i18n.translator("en")("mlp.play.new_seed")
    next(b for b in at.button if b.label == label).click().run()
    assert at.session_state[widget_key("seed", "perceptron")] == 1
    assert curve(play_charts(at)["loss"], "train")[1][0] != before


def test_the_run_offers_its_download_under_its_own_words_in_both_languages():
    # What the file holds is tested in tests/core (export); here: the button is drawn, in words.
    for lang in ("en", "ko"):
        at = open_page("perceptron", {"epochs": "20", "lang": lang})
        (button,) = at.get("download_button")
        assert button.proto.label == i18n.translator(lang)("mlp.play.export")

"""The Weight initialization topic's own table: controls, presets, budgets and words."""

from __future__ import annotations

import numpy as np
import pytest

from core import initialization
from ui.i18n import translator
from ui.topics import initialization as topic


def test_budgets_keep_the_work_bounded():
    assert topic.affordable_batch(15, 256, 256) == 256  # the defaults are not capped
    assert topic.affordable_batch(100, 1024, 4096) >= 2
    assert 100 * 1024 * 1024 * topic.affordable_batch(100, 1024, 4096) <= topic.PROPAGATE_BUDGET
    # Memory: no setting asks for more than CELL_BUDGET cells (192 MB of float32 ×3 per layer).
    for depth in (1, 7, 15, 64, 100):
        for width in (8, 256, 512, 1024):
            batch = topic.affordable_batch(depth, width, 4096)
            assert batch == 2 or depth * width * batch <= topic.CELL_BUDGET
    assert topic.affordable_steps(20, 32, 200) == 200
    assert topic.affordable_steps(50, 128, 1000) < 1000
    assert topic.affordable_steps(50, 128, 0) == 0
    assert topic.layer_picks(3) == [1, 2, 3]
    assert topic.layer_picks(100)[0] == 1
    assert topic.layer_picks(100)[-1] == 100


def test_the_depth_controls_take_their_range_from_core():
    assert topic.CONTROLS["depth"].hi == initialization.MAX_DEPTH
    assert topic.CONTROLS["tr_depth"].hi == initialization.MAX_TRAIN_DEPTH
    assert topic.CONTROLS["schemes"].options == initialization.SCHEMES


def test_the_presets_are_the_three_lessons():
    assert set(topic.PRESETS) == {"tanh", "relu", "bn"}
    assert topic.PRESETS["relu"]["schemes"] == ("xavier_normal", "he_normal")
    assert topic.PRESETS["bn"]["bn"] is True


def test_a_section_costs_its_calls_work_and_one_call_s_memory():
    one = topic.propagate_cost("he_normal", "relu", 10, 64, 32, 0, False)
    assert one == (2.0 * 10 * 32 * 64 * 64, 2.0 * 10 * 64 * 32)
    both = topic.passes_cost(("he_normal", "zeros"), "relu", 10, 64, 32, 0, True)
    assert both == (4 * one[0], one[1])  # two schemes, with and without BN
    assert topic.passes_cost(("he_normal",), "relu", 10, 64, 32, 0, False) == one


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_flat_run_says_how_close_to_a_half_its_outputs_are(lang):
    tr = translator(lang)
    run = initialization.train_deep("zeros", "tanh", 3, 8, 20)
    assert run.stuck_at_chance
    text = topic.training_outcome("zeros", run, tr)
    assert f"{run.margin:.1e}" in text
    trained = initialization.train_deep("he_normal", "relu", 3, 16, 50, 0.1)
    assert not trained.stuck_at_chance
    assert f"{trained.loss[-1]:.3f}" in topic.training_outcome("he_normal", trained, tr)


def test_histogram_texts_per_activation():
    assert topic.histogram_text("tanh", "activation") == "tanh"
    assert topic.histogram_text("relu", "gradient") == "relu_gradient"
    assert topic.histogram_text("gelu", "activation") == "other"


def test_a_network_past_the_budgets_is_cut_and_says_so():
    assert topic.affordable_network(15, 256, 256) == (15, 256, [])
    depth, batch, notices = topic.affordable_network(100, 1024, 4096)
    assert depth == topic.affordable_depth(100, 1024) < 100
    assert batch == topic.affordable_batch(depth, 1024, 4096) < 4096
    assert [key for key, _ in notices] == ["init.depth_capped", "init.batch_capped"]
    assert notices[0][1] == {"asked": 100, "depth": depth, "width": 1024}
    assert notices[1][1] == {"asked": 4096, "batch": batch, "depth": depth, "width": 1024}


def test_training_notes_warn_of_divergence_and_state_each_outcome():
    tr = translator("en")
    runs = {
        "he_normal": initialization.train_deep("he_normal", "relu", 3, 16, 20),
        "standard_normal": initialization.train_deep("standard_normal", "relu", 10, 64, 50, 10.0),
    }
    notes = topic.training_notes(runs, tr)
    assert notes[0] == ("markdown", topic.training_outcome("he_normal", runs["he_normal"], tr))
    assert runs["standard_normal"].diverged_at is not None
    assert notes[-1][0] == "warning"
    cut = initialization.DeepRun(np.array([0.7]), np.array([0.5]), None, stopped_at=0, margin=0.1)
    assert topic.training_notes({"zeros": cut}, tr)[0] == (
        "warning",
        topic.training_cut("zeros", cut, tr),
    )

"""core.sequence_tasks: the tasks' data say what the tasks say, the training is Adam with
clip_grad_norm on core.recurrent's BPTT done by hand, and the page's lessons hold across seeds."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import nn, recurrent
from core import sequence_tasks as tasks
from ui.topics.recurrent import memory

HYPOTHESIS = settings(max_examples=30, deadline=None, database=None)
LESSON_SEEDS = (0, 1, 2)

# --- the data -------------------------------------------------------------------------------


@HYPOTHESIS
@given(length=st.integers(2, 80), n=st.integers(1, 40), seed=st.integers(0, 2**31))
def test_first_symbol_is_one_hot_at_step_zero_and_blank_after(length, n, seed):
    b = tasks.batch("first", length, n, seed)
    assert b.xs.shape == (length, n, tasks.SYMBOLS)
    assert b.target.shape == (n,)
    assert np.array_equal(b.xs[0].argmax(axis=1), b.target)
    assert np.array_equal(b.xs[0].sum(axis=1), np.ones(n))
    assert not b.xs[1:].any()


@HYPOTHESIS
@given(length=st.integers(2, 80), n=st.integers(1, 40), seed=st.integers(0, 2**31))
def test_adding_marks_one_step_in_each_half_and_the_target_is_their_sum(length, n, seed):
    b = tasks.batch("adding", length, n, seed)
    assert b.xs.shape == (length, n, 2)
    values, marks = b.xs[..., 0], b.xs[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert np.array_equal(marks.sum(axis=0), np.full(n, 2.0))
    half = length // 2
    assert np.array_equal(marks[:half].sum(axis=0), np.ones(n))
    np.testing.assert_allclose(b.target, (values * marks).sum(axis=0), rtol=0, atol=1e-15)


def test_batches_are_seeded_and_streams_differ():
    a, b = tasks.batch("adding", 10, 8, 3), tasks.batch("adding", 10, 8, 3)
    assert np.array_equal(a.xs, b.xs)
    assert not np.array_equal(a.xs, tasks.batch("adding", 10, 8, 3, stream=1).xs)


def test_chance_levels_are_what_a_memoryless_answer_scores():
    assert tasks.chance("first") == 0.25
    assert tasks.chance_loss("first") == pytest.approx(math.log(4))
    b = tasks.batch("adding", 20, 200_000, 0)
    assert np.mean(np.abs(b.target - 1.0) < tasks.ADD_TOLERANCE) == pytest.approx(
        tasks.chance("adding"), abs=0.005
    )
    assert np.mean((b.target - 1.0) ** 2) == pytest.approx(tasks.chance_loss("adding"), abs=0.002)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("count", 10, 4, 0), "unknown task 'count'; choose one of: first, adding"),
        (("first", 1, 4, 0), r"length must be in \[2, 80\]"),
        (("first", 81, 4, 0), r"length must be in \[2, 80\]"),
        (("first", 10, 0, 0), r"n must be in \[1, inf\)"),
        (("first", 10, 4, -1), r"seed must be in \[0, inf\)"),
    ],
)
def test_batch_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        tasks.batch(*args)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"hidden": 65}, r"hidden must be in \[4, 64\]"),
        ({"lr": 0.0}, r"lr must be in"),
        ({"updates": 10}, r"updates must be in \[50, 600\]"),
        ({"max_norm": 0.0}, r"max_norm must be in"),
        ({"max_norm": float("nan")}, "max_norm must be finite"),
    ],
)
def test_train_rejects_bad_settings(changes, match):
    with pytest.raises(ValueError, match=match):
        tasks.train(**({"length": 3, "updates": 50} | changes))


# --- one update, by hand --------------------------------------------------------------------


def _by_hand(cell, task, length, hidden, lr, max_norm, seed):
    """The first two batch losses and the first gradient norm, from core.recurrent and the
    Adam step written out: on step 1, m̂ = g and v̂ = g², so p ← p − lr · g/(|g| + eps)."""
    rng = np.random.default_rng([seed, 1])
    make = {"first": tasks.first_symbol, "adding": tasks.adding}[task]
    params = recurrent.init_params(cell, tasks.INPUTS[task], hidden, seed)
    readout = nn.Linear(hidden, tasks.OUTPUTS[task], seed=seed)
    w, c = readout.weight.copy(), readout.bias.copy()

    def loss_and_grads(p, w, c, b):
        run = recurrent.unroll(cell, b.xs, None, p)
        h = run.hs[-1]
        out = h @ w.T + c
        n = len(b.target)
        if task == "first":
            z = out - out.max(axis=1, keepdims=True)
            soft = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            loss = -np.mean(np.log(soft[np.arange(n), b.target]))
            d_out = soft.copy()
            d_out[np.arange(n), b.target] -= 1.0
            d_out /= n
        else:
            err = out[:, 0] - b.target
            loss = np.mean(err**2)
            d_out = (2.0 * err / n)[:, None]
        g = recurrent.backward_through_time(run, recurrent.last_step(run, d_out @ w))
        return loss, [*(a for _, a in g.params.named_parameters()), d_out.T @ h, d_out.sum(0)]

    first = make(length, tasks.BATCH, rng)
    loss0, grads = loss_and_grads(params, w, c, first)
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if max_norm is not None:
        grads, clipped_total = recurrent.clip_grad_norm(grads, max_norm)
        assert clipped_total == pytest.approx(total, rel=1e-12)
    arrays = [a for _, a in params.named_parameters()] + [w, c]
    stepped = [p - lr * g / (np.abs(g) + 1e-8) for p, g in zip(arrays, grads, strict=True)]
    loss1, _ = loss_and_grads(recurrent.CellParams(*stepped[:4]), *stepped[4:], make(
        length, tasks.BATCH, rng))  # fmt: skip
    return loss0, loss1, total


@pytest.mark.parametrize("cell", tasks.CELLS)
@pytest.mark.parametrize(("task", "max_norm"), [("first", None), ("adding", 0.1)])
def test_first_update_is_adam_on_bptt_gradients_clipped_by_hand(cell, task, max_norm):
    x = tasks.train(task, 4, 6, 0.01, 50, max_norm, 5)
    loss0, loss1, total = _by_hand(cell, task, 4, 6, 0.01, max_norm, 5)
    run = x.run(cell)
    assert run.loss[0] == pytest.approx(loss0, rel=1e-12)
    assert run.loss[1] == pytest.approx(loss1, rel=1e-10)
    assert run.grad_norm[0] == pytest.approx(total, rel=1e-12)


def test_cells_start_from_one_readout_and_see_the_same_batches(monkeypatch):
    models = [tasks._Model(cell, "adding", 8, 4) for cell in tasks.CELLS]
    for m in models[1:]:
        assert np.array_equal(m.readout.weight, models[0].readout.weight)
        assert np.array_equal(m.readout.bias, models[0].readout.bias)
    seen = []
    real = tasks.adding

    def recorded(length, n, rng):
        b = real(length, n, rng)
        seen.append(b.xs)
        return b

    monkeypatch.setitem(tasks._MAKERS, "adding", recorded)
    tasks.train("adding", 3, 8, 0.01, 50, None, 4)
    held, per_cell = seen[0], np.array(seen[1:]).reshape(3, 50, 3, tasks.BATCH, 2)
    assert held.shape == (3, tasks.HELD_OUT, 2)
    assert np.array_equal(per_cell[0], per_cell[1])
    assert np.array_equal(per_cell[0], per_cell[2])
    assert not np.array_equal(per_cell[0, 0], per_cell[0, 1])  # a fresh batch every update


def test_held_out_accuracy_is_recorded_every_eval_every_updates_and_after_the_last():
    x = tasks.train("first", 3, 8, 0.01, 70, 1.0, 0)
    for run in x.runs:
        assert run.evaluated.tolist() == [0, 20, 40, 60, 70]
        assert run.accuracy.shape == run.held_loss.shape == (5,)
        assert run.final == run.accuracy[-1]
        assert np.isfinite(run.loss).all()


def test_clipped_share_counts_updates_whose_norm_was_above_max_norm():
    x = tasks.train("adding", 6, 8, 0.01, 50, 0.5, 1)
    for run in x.runs:
        assert run.clipped == pytest.approx(np.mean(run.grad_norm > 0.5))
    assert tasks.train("adding", 6, 8, 0.01, 50, None, 1).run("rnn").clipped == 0.0


def test_clipping_changes_nothing_when_max_norm_is_above_every_norm():
    loose = tasks.train("adding", 5, 8, 0.01, 50, 100.0, 2)
    off = tasks.train("adding", 5, 8, 0.01, 50, None, 2)
    for a, b in zip(loose.runs, off.runs, strict=True):
        assert a.grad_norm.max() < 100.0
        np.testing.assert_array_equal(a.loss, b.loss)


def test_verdicts_split_at_solved_and_near_chance():
    assert tasks.verdict(tasks.SOLVED, "first") == "solved"
    assert tasks.verdict(0.25 + tasks.NEAR_CHANCE - 1e-9, "first") == "chance"
    assert tasks.verdict(0.25 + tasks.NEAR_CHANCE, "first") == "partly"


def test_cost_grows_with_every_size_and_says_seconds_at_the_defaults():
    from ui import heavy

    base = tasks.cost("adding", 10, 32)
    assert heavy.LIGHT_WORK < base[0] < 8 * heavy.LIGHT_WORK  # a few seconds (bench/rnn.py)
    assert base[1] < heavy.LIGHT_CELLS
    assert tasks.cost("adding", 20, 32)[0] > base[0]
    assert tasks.cost("adding", 10, 64)[0] > base[0]
    assert tasks.cost("adding", 10, 32, updates=600)[0] > base[0]
    assert not heavy.is_light(*tasks.sweep_cost("adding", 32))


# --- the lessons, across seeds --------------------------------------------------------------


def _train_preset(name, seed):
    return tasks.train(*memory.settings(memory.PRESETS[name] | {"memseed": seed}))


@pytest.fixture(scope="module")
def sweeps():
    """The sweep at the page's default settings for each lesson seed (a few seconds each)."""
    return {seed: tasks.sweep(seed=seed) for seed in LESSON_SEEDS}


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_short_preset_all_three_remember_the_first_symbol(seed):
    x = _train_preset("mem_short", seed)
    assert [tasks.verdict(r.final, x.task) for r in x.runs] == ["solved"] * 3


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_long_preset_rnn_at_chance_while_lstm_and_gru_solve_adding(sweeps, seed):
    s = sweeps[seed]  # the sweep's T = 10 runs are the mem_long preset's (same settings)
    at = s.lengths.index(memory.PRESETS["mem_long"]["memlen"])
    verdicts = {cell: tasks.verdict(s.of(cell)[at], "adding") for cell in tasks.CELLS}
    assert verdicts == {"rnn": "chance", "lstm": "solved", "gru": "solved"}


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_longer_preset_only_the_gru_still_solves_adding(sweeps, seed):
    s = sweeps[seed]
    at = s.lengths.index(memory.PRESETS["mem_longer"]["memlen"])
    verdicts = {cell: tasks.verdict(s.of(cell)[at], "adding") for cell in tasks.CELLS}
    assert verdicts["rnn"] == "chance"
    assert verdicts["lstm"] != "solved"
    assert verdicts["gru"] == "solved"


def test_sweep_runs_are_the_training_runs_of_the_same_settings(sweeps):
    x = _train_preset("mem_long", 0)
    at = sweeps[0].lengths.index(x.length)
    for i, run in enumerate(x.runs):
        assert sweeps[0].accuracy[i, at] == run.final


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_sweep_rnn_stops_first_then_lstm_and_the_gru_holds_out_longest(sweeps, seed):
    s = sweeps[seed]
    last = s.lengths[-1] + 1  # "solves every T of the sweep" comes after every T
    stops = [tasks.stops_coping(s, cell) or last for cell in tasks.CELLS]
    assert stops[0] < stops[1] < stops[2]


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_noclip_preset_norms_stay_small_gru_solves_lstm_beats_rnn_but_ends_lower(sweeps, seed):
    x = _train_preset("mem_noclip", seed)
    assert max(r.grad_norm.max() for r in x.runs) < 10.0  # "a few units"
    assert tasks.verdict(x.run("gru").final, x.task) == "solved"
    assert x.run("lstm").final >= x.run("rnn").final + 0.3  # "by far"
    s = sweeps[seed]
    clipped_lstm = s.of("lstm")[s.lengths.index(x.length)]
    assert x.run("lstm").final < clipped_lstm


@pytest.mark.parametrize("seed", LESSON_SEEDS)
def test_long_preset_rnn_batch_loss_stays_above_a_third_of_memoryless_and_many_times_others(seed):
    # mem_curves.md: the batch loss (the loss chart's curves, Run.loss), last 50 updates averaged
    x = _train_preset("mem_long", seed)
    rnn, lstm, gru = (x.run(cell).loss[-50:].mean() for cell in tasks.CELLS)
    assert rnn > x.chance_loss / 3
    assert rnn > 4 * max(lstm, gru)

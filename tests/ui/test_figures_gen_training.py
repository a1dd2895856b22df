"""ui.figures.gen_training: what each chart draws, finite float32 arrays, titled axes."""

from __future__ import annotations

import base64
import dataclasses
import json

import numpy as np
import pytest

from core import regularization as reg
from ui import i18n
from ui.figures import gen_training as figures

TR = i18n.translator("en")
S = reg.Settings(epochs=60)


def _decode(value) -> np.ndarray:
    """A trace array as plotly's JSON holds it (typed base64) or as a plain list."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value, dtype=float)


@pytest.fixture(scope="module")
def runs():
    fit = reg.train(S)
    l1 = reg.train(dataclasses.replace(S, penalty="l1", lam=0.1))
    return fit, l1, reg.early_stopping(fit.val_loss, 5)


def _all(runs):
    fit, l1, stop = runs
    return [
        figures.fig_epochs(fit, stop, TR),
        figures.fig_fit(fit, fit.curve, "t", TR),
        figures.fig_two_fits(l1, fit.curve, TR),
        figures.fig_penalty_losses(l1, fit, TR),
        figures.fig_histogram(fit.parameters, l1.parameters, TR),
        figures.fig_norms((fit, l1, l1), ("a", "b", "c"), TR),
    ]


def test_every_chart_titles_its_axes_and_sends_finite_float32_lines(runs):
    for fig in _all(runs):
        assert fig.layout.xaxis.title.text
        assert fig.layout.yaxis.title.text
        for trace in fig.data:
            for axis in ("x", "y"):
                values = np.asarray(getattr(trace, axis))
                assert np.all(np.isfinite(values.astype(float)))
                if trace.type == "scatter":
                    assert values.dtype == np.float32


def test_the_epochs_chart_marks_the_restored_epoch_and_the_stop(runs):
    fit, _, stop = runs
    fig = figures.fig_epochs(fit, stop, TR)
    xs = sorted(s.x0 for s in fig.layout.shapes)
    assert xs == sorted([stop.best_epoch, *([stop.stopped_epoch] if stop.stopped_epoch else [])])
    assert fig.layout.yaxis.type == "log"


def test_the_histogram_counts_exact_zeros_in_a_bar_of_their_own(runs):
    fit, l1, _ = runs
    fig = figures.fig_histogram(fit.parameters, l1.parameters, TR)
    zero_bar = fig.data[-1]
    assert zero_bar.y[0] == reg.zeros(l1.parameters) > 0
    with_lambda = fig.data[1]
    assert with_lambda.y.sum() + zero_bar.y[0] == l1.parameters.size


def test_lambda_zero_draws_no_penalty_line_on_the_log_axis(runs):
    fit, _, _ = runs
    names = [t.name for t in figures.fig_penalty_losses(fit, fit, TR).data]
    assert TR("gen.fit.fig.penalty") not in names
    assert TR("gen.fit.fig.total_loss") not in names


def test_the_playback_s_frames_are_the_run_s_snapshots_ending_at_the_last_epoch(runs):
    fit, _, _ = runs
    fig = figures.fig_fit_playback(fit, "t", TR)
    frames = json.loads(fig.to_json())["frames"]
    names = [frame["name"] for frame in frames]
    assert names == [str(e) for e in fit.snapshot_epochs]
    assert names[-1] == str(fit.epochs_done)
    last = _decode(frames[-1]["data"][0]["y"])
    assert np.allclose(last, np.asarray(fig.data[-1].y), atol=1e-6)
    assert all(np.all(np.isfinite(_decode(f["data"][0]["y"]))) for f in frames)


def test_a_snapshot_is_the_network_of_its_epoch_as_rerun(runs):
    fit, _, _ = runs
    k = len(fit.snapshot_epochs) // 2
    epoch = int(fit.snapshot_epochs[k])
    again = reg.restore(S, epoch)
    assert np.array_equal(fit.snapshots[k], again.curve.astype(np.float32))


def test_log_axes_label_every_tick_with_its_full_value_inside_the_data_range(runs):
    fit, l1, stop = runs
    for fig in (figures.fig_epochs(fit, stop, TR), figures.fig_penalty_losses(l1, fit, TR)):
        axis = fig.layout.yaxis
        assert axis.type == "log"
        assert axis.dtick is None
        values = np.asarray(axis.tickvals, dtype=float)
        assert len(values) >= 2
        assert list(axis.ticktext) == [f"{v:.12g}" for v in values]  # 0.02, 0.05, 0.1 …
        assert {float(t) / 10 ** np.floor(np.log10(float(t))) for t in axis.ticktext} <= {1, 2, 5}
        shown = np.concatenate([np.asarray(t.y, dtype=float) for t in fig.data])
        assert values.min() >= shown.min() / 1.5
        assert values.max() <= shown.max() * 1.5


def test_the_histogram_title_writes_the_count_with_a_thousands_separator(runs):
    fit, l1, _ = runs
    fig = figures.fig_histogram(fit.parameters, l1.parameters, TR)
    assert f"{l1.parameters.size:,}" in fig.layout.title.text


def test_the_restored_fit_is_sized_for_itself_and_the_playback_for_its_slider(runs):
    fit = runs[0]
    alone = figures.fig_fit(fit, fit.curve, "t", TR)
    played = figures.fig_fit_playback(fit, "t", TR)
    assert alone.layout.height < played.layout.height - 150  # no slider room above its legend


def test_adamw_s_data_plus_half_lambda_norm_is_labelled_a_reference_only():
    adamw = reg.train(dataclasses.replace(S, optimizer="adamw", lam=0.3))
    names = {t.name for t in figures.fig_penalty_losses(adamw, adamw, TR).data}
    assert TR("gen.fit.fig.total_reference") in names
    assert TR("gen.fit.fig.total_loss") not in names

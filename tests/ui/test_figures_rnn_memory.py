"""ui.figures.rnn_memory: the curves drawn are the runs' numbers, the loss on a log axis with
the memoryless loss dotted, chance dotted on the accuracy charts, a diverging loss cut and said,
axis titles everywhere, one colour per cell, and the section's payload well under 250 kB."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import plotly.io as pio
import pytest

from core import sequence_tasks as tasks
from ui import i18n
from ui.figures import rnn_memory as figures

TR = i18n.translator("en")


@pytest.fixture(scope="module")
def small():
    return tasks.train("adding", 4, 8, 0.01, 60, 1.0, 0)


@pytest.fixture(scope="module")
def sweep():
    rows = np.array([[0.9, 0.3, 0.2, 0.19], [1.0, 0.95, 0.2, 0.2], [1.0, 1.0, 0.97, 0.9]])
    return tasks.Sweep("adding", tasks.SWEEP_LENGTHS, 300, rows)


def all_figures(small, sweep):
    return [figures.fig_loss(small, TR), figures.fig_accuracy(small, TR),
            figures.fig_sweep(sweep, TR)]  # fmt: skip


def level(fig):
    return [s["y0"] for s in fig.to_plotly_json()["layout"]["shapes"]]


def test_every_chart_titles_both_axes(small, sweep):
    for fig in all_figures(small, sweep):
        layout = fig.to_plotly_json()["layout"]
        assert layout["xaxis"]["title"]["text"]
        assert layout["yaxis"]["title"]["text"]


def test_loss_chart_draws_each_runs_batch_losses_on_a_log_axis(small):
    fig = figures.fig_loss(small, TR)
    assert fig.layout.yaxis.type == "log"
    for trace, run in zip(fig.data, small.runs, strict=True):
        np.testing.assert_allclose(trace.y, run.loss.astype(np.float32))
        assert list(trace.x) == list(range(1, small.updates + 1))
        assert trace.name == TR(f"rnn.mem.cell.{run.cell}")
    assert level(fig) == [pytest.approx(tasks.chance_loss("adding"))]


@pytest.mark.parametrize("task", tasks.TASKS)
def test_loss_chart_labels_the_memoryless_line_at_its_height_on_the_log_axis(task):
    x = tasks.train(task, 3, 8, 0.01, 50, 1.0, 0)
    layout = figures.fig_loss(x, TR).to_plotly_json()["layout"]
    label = next(a for a in layout["annotations"] if a["text"] == TR("rnn.mem.fig.chance_loss"))
    assert layout["shapes"][0]["y0"] == pytest.approx(x.chance_loss)  # a shape: the raw loss
    assert label["y"] == pytest.approx(np.log10(x.chance_loss))  # an annotation: log10 of it
    assert label["yanchor"] == "bottom"  # just above the dotted line


def test_loss_axis_is_labelled_at_whole_decades_as_powers_of_ten(small):
    yaxis = figures.fig_loss(small, TR).to_plotly_json()["layout"]["yaxis"]
    assert yaxis["dtick"] == 1  # one label a decade: no minor 2s and 5s
    assert yaxis["exponentformat"] == "power"  # 10⁻⁴, never an SI "100μ" on a loss


def test_accuracy_chart_draws_the_held_out_accuracy_and_chance(small):
    fig = figures.fig_accuracy(small, TR)
    for trace, run in zip(fig.data, small.runs, strict=True):
        assert list(trace.x) == run.evaluated.tolist()
        np.testing.assert_allclose(trace.y, np.round(run.accuracy, 4), atol=1e-7)
    assert level(fig) == [pytest.approx(tasks.chance("adding"))]
    assert "19%" in fig.layout.annotations[0].text


def test_a_diverging_loss_is_cut_and_the_chart_says_so(small):
    loss = small.runs[0].loss.copy()
    loss[30:] = np.inf
    loss[25] = 1e5
    broken = replace(small, runs=(replace(small.runs[0], loss=loss), *small.runs[1:]))
    fig = figures.fig_loss(broken, TR)
    assert len(fig.data[0].y) == 25
    assert np.isfinite(np.concatenate([t.y for t in fig.data])).all()
    assert TR("rnn.mem.fig.cut") in [a.text for a in fig.layout.annotations]
    assert TR("rnn.mem.fig.cut") not in [
        a.text for a in figures.fig_loss(small, TR).layout.annotations
    ]


def test_sweep_chart_draws_accuracy_against_t_on_a_log_axis(sweep):
    fig = figures.fig_sweep(sweep, TR)
    assert fig.layout.xaxis.type == "log"
    for trace, row in zip(fig.data, sweep.accuracy, strict=True):
        assert list(trace.x) == list(tasks.SWEEP_LENGTHS)
        np.testing.assert_allclose(trace.y, row, atol=1e-7)
    assert "300" in fig.layout.title.text


def test_each_cell_keeps_one_colour_on_every_chart(small, sweep):
    colours = {}
    for fig in all_figures(small, sweep):
        for trace in fig.data:
            colours.setdefault(trace.name, set()).add(trace.line.color)
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == 3


def test_section_payload_at_the_largest_settings_stays_small():
    """400 updates (the page's most) of three cells: the curves are float32 arrays."""
    runs = tuple(
        tasks.Run(cell, np.full(400, 0.1), np.ones(400), np.arange(0, 401, 20),
                  np.full(21, 0.1), np.full(21, 0.5), 0.2)
        for cell in tasks.CELLS
    )  # fmt: skip
    x = tasks.Training("adding", 30, 48, 0.01, 400, 1.0, 0, runs)
    rows = np.full((3, len(tasks.SWEEP_LENGTHS)), 0.5)
    s = tasks.Sweep("adding", tasks.SWEEP_LENGTHS, 300, rows)
    size = sum(len(pio.to_json(f)) for f in all_figures(x, s))
    assert size < 60_000

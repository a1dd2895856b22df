"""Figure builders of the perceptron page's sections 1 and 2, called directly with core's data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import decode, figure_finite

from core import perceptron as p
from ui.figures import perceptron as figs
from ui.strings import translator
from ui.topics.perceptron import thumbnail_data


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _array(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _playback(name="separable", n=20, seed=1, margin=0.2, tr=None):
    run = p.experiment(name, n, seed, margin).run
    fig = figs.fig_perceptron(run.X, run.y, run.weights, run.visited, run.mistake, tr)
    return run, fig


def test_the_frames_cover_the_run_from_the_start_to_the_last_step():
    assert figs.frame_steps(5) == [0, 1, 2, 3, 4, 5]
    long = figs.frame_steps(1000)
    assert long[0] == 0
    assert long[-1] == 1000
    assert len(long) <= figs.MAX_FRAMES
    assert long == sorted(set(long))


@pytest.mark.parametrize("w", [(0.3, 1.0, -2.0), (-1.0, 0.0, 1.0), (2.0, 1.5, 0.0), (5, 1, 1)])
def test_the_boundary_segment_lies_on_the_line_and_the_arrow_is_normal_to_it(w):
    box = (-1.2, 1.2, -1.2, 1.2)
    xs, ys = figs.line_segment(w, box)
    for x, y in zip(xs, ys, strict=True):
        assert w[0] + w[1] * x + w[2] * y == pytest.approx(0.0, abs=1e-9)
    ax, ay = figs.normal_arrow(w, box)
    assert w[0] + w[1] * ax[0] + w[2] * ay[0] == pytest.approx(0.0, abs=1e-9)  # starts on it
    arrow = np.array([ax[1] - ax[0], ay[1] - ay[0]])
    along = np.array([xs[1] - xs[0], ys[1] - ys[0]])
    assert arrow @ along == pytest.approx(0.0, abs=1e-9 * np.linalg.norm(along))
    # and it points to the +1 side: w·x̃ > 0 at its tip
    assert w[0] + w[1] * ax[1] + w[2] * ay[1] > 0


def test_no_line_is_drawn_while_w1_and_w2_are_zero():
    assert figs.line_segment((0.0, 0.0, 0.0), (0, 1, 0, 1)) == ([None, None], [None, None])
    assert figs.normal_arrow((1.0, 0.0, 0.0), (0, 1, 0, 1)) == ([None, None], [None, None])


def test_playback_is_a_valid_titled_figure_with_a_frame_per_shown_step(tr):
    run, fig = _playback(tr=tr)
    checked = _validated(fig)
    assert checked.layout.xaxis.title.text == "x₁"
    assert checked.layout.yaxis.title.text == "x₂"
    assert len(fig.frames) == len(figs.frame_steps(run.steps))
    assert figure_finite(fig)


def test_every_frame_draws_that_steps_weights_normal_to_that_steps_line():
    run, fig = _playback(tr=translator("en"))
    for frame in _validated(fig).frames:
        k = int(frame.name)
        w = run.weights[k]
        line, arrow, ring = frame.data
        if k == 0:  # w = 0: no line yet, no point visited yet
            assert line.x == (None, None)
            assert ring.x == (None,)
            continue
        xs, ys = _array(line.x), _array(line.y)
        np.testing.assert_allclose(w[0] + w[1] * xs + w[2] * ys, 0.0, atol=1e-9)
        direction = np.array([arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]])
        assert direction @ np.array([xs[1] - xs[0], ys[1] - ys[0]]) == pytest.approx(0, abs=1e-9)
        visited = run.X[run.visited[k - 1]]
        assert (ring.x[0], ring.y[0]) == tuple(visited)
        hue = figs.MISTAKE if run.mistake[k - 1] else figs.CORRECT
        assert ring.marker.color == hue


def test_the_figure_itself_shows_the_last_step():
    run, fig = _playback(tr=translator("en"))
    line = next(t for t in fig.data if t.name == translator("en")("mlp.fig.boundary"))
    w = run.weights[-1]
    xs, ys = _array(line.x), _array(line.y)
    np.testing.assert_allclose(w[0] + w[1] * xs + w[2] * ys, 0.0, atol=1e-9)
    assert fig.layout.sliders[0].active == len(fig.frames) - 1


def test_both_classes_are_drawn_with_every_point_once():
    run, fig = _playback(tr=translator("en"))
    pos, neg = fig.data[0], fig.data[1]
    assert len(decode(pos.x)) + len(decode(neg.x)) == len(run.y)
    assert len(decode(pos.x)) == int(np.sum(run.y > 0))


def test_mistakes_chart_shows_the_bound_above_the_count_on_a_log_axis(tr):
    e = p.experiment("separable", 20, 1, 0.2)
    fig = figs.fig_mistakes(e.run.mistakes, e.margin.bound, None, 20, tr)
    checked = _validated(fig)
    assert checked.layout.yaxis.type == "log"
    assert checked.layout.xaxis.title.text
    assert checked.layout.yaxis.title.text
    count, bound = fig.data
    assert decode(count.y)[-1] == e.run.total_mistakes
    assert set(decode(bound.y)) == {e.margin.bound}
    assert decode(count.y).max() <= decode(bound.y).min()
    assert 10 ** fig.layout.yaxis.range[1] >= e.margin.bound


def test_mistakes_chart_on_xor_has_no_bound_and_shades_the_repeating_period(tr):
    e = p.experiment("xor")
    cycle = e.run.cycle
    fig = figs.fig_mistakes(e.run.mistakes, None, (cycle.first_step, cycle.repeat_step), 4, tr)
    _validated(fig)
    assert len(fig.data) == 1
    assert fig.layout.yaxis.type != "log"
    (shade,) = fig.layout.shapes
    assert (shade.x0, shade.x1) == (cycle.first_step + 0.5, cycle.repeat_step + 0.5)
    assert fig.layout.annotations[0].text == tr("mlp.fig.cycle_note", period=1)


@pytest.mark.parametrize("gate", p.GATES)
def test_truth_table_lists_the_four_rows_and_marks_wrong_outputs(gate, tr):
    table = p.truth_table(gate)
    fig = _validated(figs.fig_truth_table(table, tr))
    cells = fig.data[0].cells
    columns = [list(map(int, column)) for column in cells.values]
    assert columns[0] == [0, 0, 1, 1]
    assert columns[1] == [0, 1, 0, 1]
    assert columns[2] == list(p.GATE_TARGETS[gate])
    assert columns[3] == list(table.outputs)
    reds = [c == "#ffe3e3" for c in cells.fill.color[3]]
    assert reds == list(table.outputs != table.targets)
    word = "mlp.fig.solved" if gate != "xor" else "mlp.fig.unsolved"
    assert fig.layout.title.text == tr(word, gate=tr(f"mlp.gate.{gate}"))


def test_fold_charts_are_separate_valid_titled_figures(tr):
    f = p.fold()
    for fig in (figs.fig_fold_input(f, tr), figs.fig_fold_hidden(f, (1.0, -2.0), 0.0, tr)):
        checked = _validated(fig)
        assert checked.layout.title.text
        assert checked.layout.xaxis.title.text
        assert checked.layout.yaxis.title.text
        assert figure_finite(fig)


def test_the_hidden_chart_puts_both_ones_of_xor_on_the_same_point():
    f = p.fold()
    fig = figs.fig_fold_hidden(f, (1.0, -2.0), 0.0, translator("en"))
    ones = next(t for t in fig.data if t.name == "XOR = 1")
    zeros = next(t for t in fig.data if t.name == "XOR = 0")
    assert set(zip(decode(ones.x), decode(ones.y), strict=True)) == {(1.0, 0.0)}
    assert set(zip(decode(zeros.x), decode(zeros.y), strict=True)) == {(0.0, 0.0), (2.0, 1.0)}
    # the output's line w·h + b = 0.5 lies between them
    line = next(t for t in fig.data if t.name == "ŷ = 0.5")
    xs, ys = _array(line.x), _array(line.y)
    np.testing.assert_allclose(xs - 2 * ys, 0.5, atol=1e-9)
    assert 1.0 - 2 * 0.0 > 0.5 > max(0.0, 2.0 - 2 * 1.0)


def test_the_hidden_chart_draws_where_every_grid_point_lands():
    f = p.fold()
    fig = figs.fig_fold_hidden(f, (1.0, -2.0), 0.0, translator("en"))
    grid = fig.data[0]
    h = np.column_stack([decode(grid.x), decode(grid.y)])
    np.testing.assert_allclose(h, f.grid_hidden.reshape(-1, 2), atol=1e-4)


def test_the_input_chart_draws_the_output_and_each_units_switching_line():
    f = p.fold()
    fig = figs.fig_fold_input(f, translator("en"))
    heat = fig.data[0]
    np.testing.assert_allclose(decode(heat.z), f.grid_output, atol=1e-4)
    units = [t for t in fig.data if t.name and t.name.startswith("Unit")]
    assert len(units) == 2
    for unit, trace in enumerate(units):
        np.testing.assert_array_equal(decode(trace.z), f.pre_activation[:, :, unit])
        assert trace.contours.start == trace.contours.end == 0.0


@pytest.mark.parametrize("product", [False, True])
def test_fit_surfaces_are_the_fits_with_the_targets_and_residuals(product, tr):
    fit = p.xor_fit(product)
    fig = _validated(figs.fig_fit(fit, "title", tr))
    surface, targets, residuals = fig.data
    np.testing.assert_allclose(decode(surface.z), fit.grid_output, atol=1e-6)
    np.testing.assert_array_equal(decode(targets.z), [0.0, 1.0, 1.0, 0.0])
    assert fig.layout.scene.xaxis.title.text == "x₁"
    assert fig.layout.scene.zaxis.title.text == "ŷ"
    if not product:  # the linear fit is the flat plane ŷ = 0.5, every residual 0.5 long
        assert set(np.unique(decode(surface.z))) == {0.5}
        ends = _array(residuals.z).reshape(4, 3)[:, :2]
        np.testing.assert_allclose(np.abs(ends[:, 0] - ends[:, 1]), 0.5)


def test_korean_figures_are_translated():
    tr = translator("ko")
    f = p.fold()
    assert figs.fig_fold_hidden(f, (1.0, -2.0), 0.0, tr).layout.title.text == "은닉 평면 (h₁, h₂)"
    assert "노비코프" in figs.fig_mistakes(np.array([1, 2]), 9.0, None, 2, tr).data[1].name


def test_thumbnail_is_a_small_valid_figure_without_words():
    fig = figs.fig_thumbnail(*thumbnail_data())
    checked = _validated(fig)
    assert checked.layout.height == 150
    assert not checked.layout.showlegend
    assert not checked.layout.xaxis.showticklabels
    assert all(not trace.name for trace in checked.data)

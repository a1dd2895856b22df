"""Figure builders of the convolutions page's sections 3–4, called through the topic module with
core's data: titled axes, images with rows downward and square cells, finite, small."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from apptools import decode, figure_finite

from ui.figures import cnn_sharing as figs
from ui.strings import translator
from ui.theme import SIGNED_SCALE
from ui.topics.convolutions import sharing as topic


@pytest.fixture(params=["en", "ko"])
def tr(request):
    return translator(request.param)


def _validated(fig: go.Figure) -> go.Figure:
    """The same spec through plotly's full validation: the builders skip it for speed."""
    return go.Figure(fig.to_dict())


def _every_chart(tr) -> list[go.Figure]:
    share = (topic.count_chart(227, 227, 3, 0, 11, 4, 96, tr=tr), *topic.picture_charts(tr=tr))
    pool = topic.pool_charts("max", 3, 1, 1, "counting", tr=tr)
    shift = topic.shift_charts("house", 1, "avg", 2, 2, 0, tr=tr)
    return [*share, *pool, *shift]


def test_every_chart_is_valid_finite_and_has_titled_axes(tr):
    for fig in map(_validated, _every_chart(tr)):
        assert figure_finite(fig)
        assert fig.layout.xaxis.title.text
        assert fig.layout.title.text
        if fig.data[0].type == "heatmap":
            row = tr("cnn.share.fig.row")
            assert [a.text for a in fig.layout.annotations if a.textangle in (None, 0)] == [row]
        else:
            assert fig.layout.yaxis.title.text


def test_grids_title_their_rows_horizontally_above_the_row_numbers_not_rotated(tr):
    for fig in _every_chart(tr)[1:]:
        assert not fig.layout.yaxis.title.text  # a y-axis title would be rotated
        (row,) = fig.layout.annotations
        assert (row.x, row.y, row.xanchor, row.yanchor) == (-0.5, -0.5, "right", "bottom")


def test_kernels_maps_and_gradients_are_signed_red_above_zero_blue_below_symmetric(tr):
    share = topic.picture_charts(tr=tr)
    pool = topic.pool_charts("max", 3, 1, 1, "counting", tr=tr)
    feature = topic.shift_charts("house", 1, "avg", 2, 2, 0, tr=tr)[0]
    for fig in (*share, *pool, feature):
        grid = fig.data[0]
        assert [c[1] for c in grid.colorscale] == [c[1] for c in SIGNED_SCALE]
        assert grid.colorscale[0][1] == "#2166ac"  # blue at the negative end
        assert grid.colorscale[-1][1] == "#b2182b"  # red at the positive end
        assert not grid.reversescale
        z = np.asarray(grid.z, dtype=float)
        assert grid.zmid == 0
        assert grid.zmin == -grid.zmax
        assert grid.zmax == pytest.approx(np.max(np.abs(z)))  # the largest |value| is full colour
    weights, _ = topic.sharing_picture(shared=True)
    assert (weights > 0).any()
    assert (weights < 0).any()  # both ends of the scale in use on the kernel picture


def test_every_grid_is_an_image_rows_downward_with_square_cells(tr):
    for fig in _every_chart(tr)[1:]:  # all but the bar chart
        assert fig.data[0].type == "heatmap"
        low, high = fig.layout.yaxis.range
        assert low > high  # row 0 at the top
        assert fig.layout.yaxis.scaleanchor == "x"


def test_the_count_chart_draws_the_three_counts_on_a_log_axis_with_their_ratios(tr):
    counts = topic.sharing(227, 227, 3, 0, 11, 4, 96).counts
    fig = figs.fig_counts(counts, tr)
    assert fig.layout.yaxis.type == "log"
    assert list(fig.data[0].y) == [34_944, 105_705_600, 44_892_355_200]
    assert list(fig.data[0].text) == [
        "34,944",
        "105,705,600<br>×3,025",
        "44,892,355,200<br>×1,284,694",
    ]
    assert 10 ** fig.layout.yaxis.range[1] > 44_892_355_200  # the tallest bar's label fits


def test_the_sharing_picture_writes_one_kernel_twice_or_two_kernels():
    shared, _ = topic.sharing_picture(True)
    unshared, mask = topic.sharing_picture(False)
    (r1, c1), (r2, c2) = topic.WINDOWS
    np.testing.assert_array_equal(shared[r1 : r1 + 3, c1 : c1 + 3], topic.SHARED_KERNEL)
    np.testing.assert_array_equal(shared[r2 : r2 + 3, c2 : c2 + 3], topic.SHARED_KERNEL)
    assert not np.array_equal(unshared[r2 : r2 + 3, c2 : c2 + 3], topic.SHARED_KERNEL)
    assert set(np.unique(mask)) == {0, 1, 2}
    assert (mask == 1).sum() == (mask == 2).sum() == 9  # two 3×3 windows, apart


def test_the_sharing_picture_outlines_both_windows_and_writes_only_their_weights(tr):
    weights, mask = topic.sharing_picture(True)
    fig = figs.fig_sharing(weights, mask, tr, shared=True)
    assert len(fig.layout.shapes) == 2
    written = sum(1 for row in fig.data[0].text for cell in row if cell)
    assert written == 18


def test_the_pool_input_rings_exactly_the_cells_that_receive_gradient(tr):
    p = topic.pooling("max", 2, 2, 0, "ones")
    fig = figs.fig_pool_input(p.feature, p.grad_input, tr)
    ringed = set(zip(fig.data[1].y, fig.data[1].x, strict=True))
    assert ringed == {tuple(int(i) for i in ij) for ij in np.argwhere(p.grad_input != 0)}
    assert len(figs.fig_pool_input(p.feature, None, tr).data) == 1  # average: no winners


def test_the_change_maps_mark_zero_unchanged_and_changed_cells_as_core_counts(tr):
    t = topic.shift_result("house", 1, "max", 2, 2, 0)
    status = topic.change_status(t.pooled, t.pooled_shifted)
    fig = figs.fig_changed(status, t.pooled_unchanged, tr, pooled=True)
    z = np.asarray(decode(fig.data[0].z) if isinstance(fig.data[0].z, dict) else fig.data[0].z)
    assert np.mean(z[z > 0] == 1) == pytest.approx(t.pooled_unchanged)
    assert f"{t.pooled_unchanged:.0%}" in fig.layout.title.text


def test_the_section_s_charts_stay_small_even_for_alexnet(tr):
    size = sum(len(fig.to_json()) for fig in _every_chart(tr))
    assert size < 120_000  # about 81 kB: the brief allows ~300 kB for these sections

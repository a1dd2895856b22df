"""The generalization page's "In PyTorch" scripts: which numbers are statistics (the random
draws) and which exact, and that no statistic's tolerance is too loose to compare anything."""

from __future__ import annotations

import pytest
from snippet_links import links

from ui.snippets import generalization as snippets
from ui.strings import translator
from ui.topics import topic

LINKS = list(links(topic("generalization")))


@pytest.mark.parametrize(("name", "values"), LINKS[::4], ids=[n for n, _ in LINKS[::4]])
def test_statistics_are_the_random_draws_and_stay_tight(name, values):
    tr = translator("en")
    assert not any(line.statistic for line in snippets.penalty(values, tr).readout)
    for build in (snippets.capacity_fits, snippets.learning):
        for line in build(values, tr).readout:
            assert not line.statistic or line.tolerance <= snippets.MAX_TOLERANCE
    unit = snippets.dropout_unit(values, tr)
    exact = [line.label for line in unit.readout if not line.statistic]
    assert exact == [
        "kept unit's scale 1/(1 - p)",
        "eval() output",
        "classic test (1 - p) scaling",
        "ConvNetJS test p scaling",
    ]
    assert all(line.tolerance < 0.1 for line in unit.readout if line.statistic)
    assert "torch.statistic" in unit.notes


def test_adamw_shrink_is_the_pages_formula():
    values = dict(LINKS[0][1], fitopt="adamw", fitlam=0.3, fitep=100)
    [shrink, after] = snippets.penalty(values, translator("en")).readout
    assert shrink.values[0] == pytest.approx((1 - 0.02 * 0.3) ** 100, rel=1e-12)
    assert after.values == pytest.approx(tuple(v * shrink.values[0] for v in snippets.PROBE))

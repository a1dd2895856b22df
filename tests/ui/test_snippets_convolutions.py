"""The convolutions page's "In PyTorch" scripts: every number exact (no statistic), and the
picture written into section 1's script is the page's picture."""

from __future__ import annotations

import re

import numpy as np
import pytest
from snippet_links import links

from ui.snippets import convolutions as snippets
from ui.strings import translator
from ui.topics import topic
from ui.topics.convolutions import operation as op_topic

LINKS = list(links(topic("convolutions")))


@pytest.mark.parametrize(("name", "values"), LINKS[::3], ids=[n for n, _ in LINKS[::3]])
def test_every_line_is_exact(name, values):
    for build in snippets.SNIPPETS.values():
        assert not any(line.statistic for line in build(values, translator("en")).readout)


@pytest.mark.parametrize("name", ["house", "digit", "scene"])
def test_the_written_picture_is_the_pages(name):
    values = dict(LINKS[0][1], opimg=name)
    code = snippets.operation(values, translator("en")).code
    block = re.search(r"pixels = \((.*?)\)\n", code, re.DOTALL)[1]
    pixels = np.array([int(v) for v in block.replace("\n", " ").split(",") if v.strip()]) / 100
    image = op_topic.picture(name, values["opdigit"])
    assert np.array_equal(pixels.reshape(image.shape), image)

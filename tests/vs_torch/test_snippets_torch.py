"""Every "In PyTorch" script run under a real torch, for every topic's defaults, presets and extra
links: what it prints is the page's readout, to the displayed precision (statistics within
their stated tolerance)."""

from __future__ import annotations

import contextlib
import io
import time

import pytest
from snippet_links import cases
from torch_support import import_torch

from ui import pytorch
from ui.strings import translator
from ui.topics import topic

torch = import_torch()
torch.set_num_threads(1)  # the scripts' tensors are tiny: threads only contend on a busy machine
_warm = torch.ones(2, requires_grad=True)  # torch's one-off costs, paid before any run is timed:
(_warm * 2).sum().backward()  # autograd's first backward, and the first use of torch.optim,
torch.optim.SGD([_warm], lr=0.1).step()  # which imports torch._dynamo

pytestmark = pytest.mark.torch

CASES = cases()
PRINTED: dict[str, str] = {}  # script -> what it printed, for the scripts already run
SECONDS = 10.0  # "runs in a few seconds on a CPU": CPU time, not other tests on the machine


@pytest.mark.parametrize(
    ("topic_id", "section", "name", "values"), CASES, ids=[f"{t}-{s}-{n}" for t, s, n, _ in CASES]
)
def test_script_prints_the_pages_numbers(topic_id, section, name, values):
    snippet = topic(topic_id).snippets[section](values, translator("en"))
    out = io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet.code, "<snippet>", "exec"), {"__name__": "__main__"})
    assert time.process_time() - start < SECONDS
    assert pytorch.mismatches(out.getvalue(), snippet.readout) == [], out.getvalue()

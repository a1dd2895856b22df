"""tests/vs_torch runs with `-m torch` where PyTorch is installed; elsewhere nothing in it runs."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _only_this_folder(config: pytest.Config) -> bool:
    base = config.invocation_params.dir
    paths = [(base / arg.split("::")[0]).resolve() for arg in config.args]
    return bool(paths) and all(p == HERE or HERE in p.parents for p in paths)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Pointed at this folder alone, pytest finds nothing to run when PyTorch is missing (every
    # module skips at import) or when the default `-m "not torch"` deselects every test, and
    # would exit with 5, "no tests collected". Here that is the expected outcome, not an error.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and _only_this_folder(session.config):
        session.exitstatus = pytest.ExitCode.OK

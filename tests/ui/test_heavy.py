"""ui.heavy.one_at_a_time: decorated functions never overlap across threads, and may nest."""

from __future__ import annotations

import threading
import time

from ui.heavy import one_at_a_time

inside = 0
most = 0
lock = threading.Lock()


@one_at_a_time
def work(seconds: float) -> int:
    global inside, most
    with lock:
        inside += 1
        most = max(most, inside)
    time.sleep(seconds)
    with lock:
        inside -= 1
    return 1


@one_at_a_time
def nested() -> int:
    return work(0.0) + 1


def test_runs_never_overlap():
    threads = [threading.Thread(target=work, args=(0.02,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_a_heavy_function_may_call_another_on_its_thread():
    done: list[int] = []
    thread = threading.Thread(target=lambda: done.append(nested()))
    thread.start()
    thread.join(timeout=5)
    assert done == [2]


def test_it_keeps_the_name_and_source_the_cache_keys_on():
    assert work.__name__ == "work"
    assert work.__wrapped__.__qualname__ == "work"

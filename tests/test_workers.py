"""The supervisor of worker processes: results, errors, deadlines, deaths, and stopping."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ingest.errors import InternalError, LimitError
from ingest.workers import Supervisor


def _square(n: int) -> int:
    return n * n


def _fail(n: int) -> int:
    raise ValueError(f"no {n}")


def _unsendable(n: int) -> object:
    return lambda: n  # a result that does not pickle


def _die(n: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_results_errors_deadlines_and_deaths_each_reach_their_own_task() -> None:
    with Supervisor(2, timeout=1.5) as pool:
        squares = [pool.submit(_square, n, name=f"n{n}") for n in range(20)]
        failed = pool.submit(_fail, 3, name="three")
        late = pool.submit(time.sleep, 60, name="sleeper")
        dead = pool.submit(_die, 1, name="victim")
        stuck = pool.submit(_unsendable, 2, name="two")
        after = [pool.submit(_square, n) for n in range(5)]
        assert [f.result(timeout=30) for f in squares] == [n * n for n in range(20)]
        with pytest.raises(ValueError, match="no 3"):
            failed.result(timeout=30)
        with pytest.raises(LimitError, match=r"^sleeper: still being extracted .* after 1.5 s"):
            late.result(timeout=30)
        with pytest.raises(LimitError, match=r"^victim: the process handling it died"):
            dead.result(timeout=30)
        with pytest.raises(InternalError, match=r"^two: internal error \(.*pickle"):
            stuck.result(timeout=30)
        # the workers stopped and killed were replaced
        assert [f.result(timeout=30) for f in after] == [n * n for n in range(5)]


def test_leaving_on_an_exception_stops_the_inputs_in_hand_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Supervisor(2, timeout=None) as pool:
        busy = [pool.submit(time.sleep, 3600) for _ in range(3)]
        time.sleep(0.5)
        raise KeyboardInterrupt
    assert time.monotonic() - started < 10
    assert all(f.done() for f in busy)


def _broken_start() -> None:
    raise RuntimeError("rules that do not load")


def _slow_start() -> None:
    time.sleep(1.5)


def test_a_worker_that_cannot_start_fails_inputs_instead_of_looping() -> None:
    with Supervisor(2, timeout=5, initializer=_broken_start) as pool:
        futures = [pool.submit(_square, n, name=f"n{n}") for n in range(3)]
        for n, future in enumerate(futures):
            with pytest.raises(LimitError, match=rf"^n{n}: a worker process .* could not start"):
                future.result(timeout=60)


def test_a_worker_s_start_does_not_count_against_its_first_input() -> None:
    with Supervisor(1, timeout=1.0, initializer=_slow_start) as pool:
        assert pool.submit(_square, 7).result(timeout=60) == 49

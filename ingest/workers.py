"""Worker processes that each handle one input at a time, under a deadline.

Why not `concurrent.futures.ProcessPoolExecutor`: it cannot stop one task. A page that sends
extraction into a pathological case, or kills its process (the kernel's OOM killer, a crash in
a C library), would hang the batch or break the whole pool, failing every input in flight.
Here such an input costs only its own worker: the worker is killed and replaced, the input's
future gets a `LimitError` naming it, and every other input goes on.

Where processes fork (Linux), workers inherit the parent's ruleset, warmed up once; where they
start afresh, each loads it from its folder (`worker_pool` decides).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError, Executor, Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: no RLIMIT_AS
    resource = None  # type: ignore[assignment]

from ingest.errors import InternalError, LimitError
from ingest.language import load_profiles
from ingest.rules import Ruleset, load_ruleset

# How long a worker may take to start (import, load rules) before its task is failed.
_START_SECONDS = 120.0
# Memory a worker may take on beyond what it holds once started: one input's budget. A 20 MB
# article (the largest input by default) peaks near 0.6 GB; 20 MB of a pathological shape
# (millions of one-character lines, each a removal to record) would take 4.5 GB.
DOC_MEMORY = 2 << 30


def out_of_memory(name: str) -> LimitError:
    return LimitError(
        name,
        f"needed more than its {DOC_MEMORY / (1 << 30):g} GiB of memory to extract and clean",
        "split it into smaller inputs; no article needs that much",
    )


@dataclass
class _Task:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    name: str  # the input, for the error when its worker is stopped


class _Worker:
    def __init__(
        self, context: Any, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
    ) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, initializer, initargs), daemon=True
        )
        self.process.start()
        child.close()
        self.task: _Task | None = None
        self.ready = False  # until the worker says so, it is starting (imports, rules)
        # until ready, the time it must be ready by; then its task's deadline
        self.deadline = time.monotonic() + _START_SECONDS

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Supervisor(Executor):
    """An executor of `jobs` worker processes; a task running past `timeout` seconds (or
    whose worker dies) fails with `LimitError`, and its worker is replaced.

    `submit(fn, *args, name=...)`: `name` says which input the task is for.
    """

    def __init__(
        self,
        jobs: int,
        *,
        timeout: float | None = None,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        context: Any = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.initializer = initializer
        self.initargs = initargs
        self.context = context or multiprocessing.get_context()
        self.pending: deque[_Task] = deque()
        self.workers: list[_Worker] = []
        self.lock = threading.Lock()
        self.closing = False
        self.aborting = False
        # a pipe the submitting threads write to, so that waiting on the workers wakes up
        wake: tuple[Connection, Connection] = self.context.Pipe(duplex=False)
        self.wake_r, self.wake_w = wake
        # All workers start now, while this process may still have a single thread: a fork
        # copies only the forking thread, and a lock another thread held stays held in the
        # child. Only a replacement (after a deadline or a crash) forks later.
        for _ in range(self.jobs):
            self._start()
        self.thread = threading.Thread(target=self._run, name="ingest-supervisor", daemon=True)
        self.thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        name = str(kwargs.pop("name", "an input"))
        if kwargs:
            raise TypeError(f"unexpected keyword arguments {sorted(kwargs)}")
        future: Future[Any] = Future()
        with self.lock:
            if self.closing:
                raise RuntimeError("submit after shutdown")
            self.pending.append(_Task(future, fn, args, name))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self.lock:
            self.closing = True
            if cancel_futures:
                while self.pending:
                    self.pending.popleft().future.cancel()
        self._wake()
        if wait:
            self.thread.join()

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        # Leaving on an exception (Ctrl-C, a caller's error): nobody waits for the inputs in
        # hand, so their workers stop now rather than after up to a deadline each.
        if exc_type is not None:
            with self.lock:
                self.aborting = True
        self.shutdown(wait=True, cancel_futures=exc_type is not None)

    def _wake(self) -> None:
        with self.lock, contextlib.suppress(OSError):
            self.wake_w.send_bytes(b"")

    def _run(self) -> None:
        failure: BaseException = CancelledError()
        try:
            while self._step():
                pass
        except Exception as exc:  # a bug here must not leave the batch waiting forever
            failure = exc
        finally:
            with self.lock:
                self.closing = True
                tasks = [w.task for w in self.workers if w.task is not None]
                tasks += self.pending
                self.pending.clear()
            for task in tasks:
                # a running future cannot be cancelled; whoever waits on it must still wake
                if not task.future.done():
                    error = failure
                    if not isinstance(failure, CancelledError):
                        error = InternalError.of(task.name, failure)
                    task.future.set_exception(error)
            for worker in self.workers:
                worker.kill()
            self.wake_r.close()
            self.wake_w.close()

    def _step(self) -> bool:
        """Hand out tasks, wait for an answer, a worker's start or a deadline, settle what
        came; False when there is nothing left to do after shutdown."""
        self._assign()
        busy = [w for w in self.workers if w.task is not None]
        with self.lock:
            if self.aborting or (self.closing and not busy and not self.pending):
                return False
        watched = [w for w in self.workers if w.task is not None or not w.ready]
        now = time.monotonic()
        soonest = min((w.deadline for w in watched), default=float("inf"))
        timeout = None if soonest == float("inf") else max(0.0, soonest - now)
        ready = wait([*(w.conn for w in watched), self.wake_r], timeout)
        while self.wake_r in ready and self.wake_r.poll():
            self.wake_r.recv_bytes()
        for worker in watched:
            if worker.conn in ready:
                self._settle(worker)
        now = time.monotonic()
        # looked at again: a worker may have answered, or said it is ready, just now
        overdue = [
            w for w in self.workers if (w.task is not None or not w.ready) and w.deadline <= now
        ]
        for worker in overdue:
            if worker.ready:
                self._fail(worker, self._late(worker))
            else:
                self._not_started(worker, f"did not start within {_START_SECONDS:g} s")
        return True

    def _assign(self) -> None:
        """Hand pending tasks to idle workers that are ready (one still starting may never
        read what it is sent, and sending a large input would then block this thread), and
        start workers up to `jobs`."""
        while True:
            with self.lock:
                if not self.pending:
                    return
                if len(self.workers) < self.jobs:
                    self._start()
                idle = next((w for w in self.workers if w.ready and w.task is None), None)
                if idle is None:
                    return
                task = self.pending.popleft()
            if not task.future.set_running_or_notify_cancel():
                continue
            try:
                idle.conn.send((task.fn, task.args))
            except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
                task.future.set_exception(InternalError.of(task.name, exc))
                continue
            idle.task = task
            idle.deadline = time.monotonic() + (
                self.timeout if self.timeout is not None else float("inf")
            )

    def _start(self) -> _Worker:
        worker = _Worker(self.context, self.initializer, self.initargs)
        self.workers.append(worker)
        return worker

    def _settle(self, worker: _Worker) -> None:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            if worker.ready:
                self._fail(worker, self._died(worker))
            else:
                self._not_started(worker, f"could not start ({self._exit(worker)})")
            return
        if kind == "ready":
            worker.ready = True
            worker.deadline = float("inf")  # until it is given a task
            return
        task = worker.task
        assert task is not None
        worker.task = None
        if kind == "ok":
            task.future.set_result(value)
        elif kind == "memory":
            task.future.set_exception(out_of_memory(task.name))
        elif kind == "unsendable":
            task.future.set_exception(InternalError.about(task.name, value))
        else:
            task.future.set_exception(value)

    def _not_started(self, worker: _Worker, what: str) -> None:
        """A worker that will not start fails the next waiting input, so that a start that
        always fails (rules that do not load) ends the batch instead of looping on it."""
        worker.kill()
        self.workers.remove(worker)
        with self.lock:
            task = self.pending.popleft() if self.pending else None
        if task is not None and task.future.set_running_or_notify_cancel():
            task.future.set_exception(
                LimitError(
                    task.name,
                    f"a worker process to handle it {what}",
                    "the machine may be overloaded: try again with fewer --jobs",
                )
            )

    def _fail(self, worker: _Worker, error: BaseException) -> None:
        task = worker.task
        worker.task = None
        worker.kill()
        self.workers.remove(worker)
        if task is not None:
            task.future.set_exception(error)

    def _late(self, worker: _Worker) -> LimitError:
        assert worker.task is not None
        return LimitError(
            worker.task.name,
            f"still being extracted and cleaned after {self.timeout:g} s; its worker was stopped",
            "raise --doc-timeout if it is an ordinary article, or report it",
        )

    def _died(self, worker: _Worker) -> LimitError:
        assert worker.task is not None
        return LimitError(
            worker.task.name,
            f"the process handling it died ({self._exit(worker)})",
            "try it alone; if it fails again, report it",
        )

    @staticmethod
    def _exit(worker: _Worker) -> str:
        worker.process.join(5)
        code = worker.process.exitcode
        if code is None or code >= 0:
            return f"exit status {code}"
        try:
            how = f"signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"signal {-code}"
        if code == -signal.SIGKILL:
            how += ", often the system running out of memory"
        return how


def _serve(
    conn: Connection, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    """A worker's loop: say it is ready, then run each task and send back ("ok", result),
    ("error", exception), ("memory", None) or ("unsendable", what went wrong)."""
    # Ctrl-C is the parent's to handle: it stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
    limit_memory()
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        # The worker does not know its input's name; the supervisor does, and names it in
        # the errors it makes of "memory" and "unsendable".
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            answer = ("memory", None)
        except Exception as exc:
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception as exc:  # an answer that does not pickle is the task's failure
            conn.send(("unsendable", InternalError.describe(exc)))


def limit_memory() -> None:
    """Cap this worker's address space at its present size plus DOC_MEMORY, so that an input
    that would take the machine's memory fails alone with MemoryError instead (where the
    system has /proc and RLIMIT_AS; elsewhere the OOM killer's victim still fails alone)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + DOC_MEMORY
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, AttributeError):
        pass


_WORKER_RULES: Ruleset | None = None


def worker_pool(ruleset: Ruleset, jobs: int, doc_timeout: float | None) -> Supervisor | None:
    """Processes that clean with `ruleset` (`worker_ruleset()` in them), each input under
    `doc_timeout` seconds; or None when they could not have the ruleset: then clean in this
    process, without a deadline.

    Compiled RE2 patterns do not pickle. Where processes fork (Linux), the workers inherit this
    process's ruleset and language profiles, loaded once here (and the rules' prefilter, when
    the caller warmed them up: `engine.warm_up`), instead of each loading and compiling them
    again; where they start afresh, each loads it from its folder, so a
    ruleset made from a string (`rules_from_toml`) stays in this process.
    """
    global _WORKER_RULES
    if multiprocessing.get_start_method() == "fork":
        load_profiles()
        _WORKER_RULES = ruleset
    elif not Path(ruleset.source).is_dir():
        return None
    return Supervisor(
        jobs,
        timeout=doc_timeout,
        initializer=init_worker,
        initargs=(ruleset.source, ruleset.id),
    )


def init_worker(rules_dir: str, ruleset_id: str) -> None:
    """Worker initializer: load the ruleset unless the worker inherited it."""
    global _WORKER_RULES
    if _WORKER_RULES is None or _WORKER_RULES.id != ruleset_id:
        _WORKER_RULES = load_ruleset(rules_dir)


def worker_ruleset() -> Ruleset:
    assert _WORKER_RULES is not None, "worker started without a ruleset"
    return _WORKER_RULES

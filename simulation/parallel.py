"""Run replications in parallel: a process pool by default, RQ workers when ``REDIS_URL`` is set.

One small interface, :func:`run_replications`, and one picklable job function,
:func:`run_replication`, whatever the backend: the same job runs in a local process or on a
worker machine (``rq worker simulation``), so a sweep scales out without code changes.
Replication ``r`` always uses the streams keyed ``(seed, r)``, so results do not depend on the
backend, the number of workers or the order jobs finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from scenarios import Scenario

from .engine import Engine
from .results import RunResult

RQ_QUEUE = "simulation"


def run_replication(payload: tuple[Scenario, int, int]) -> RunResult:
    """Job function: simulate replication ``r`` of ``scenario`` with ``seed``."""
    scenario, seed, replication = payload
    return Engine(scenario, seed=seed, replication=replication).run()


class _Backend:
    """Backends are context managers so a pool can live across several ``map`` calls."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release workers (nothing to do for most backends)."""


class InProcessBackend(_Backend):
    """Runs jobs one after the other in this process (tests, one replication)."""

    chunk = 1  # replications per progress report

    def map(self, function: Callable, payloads: Sequence) -> list:
        """Results of ``function`` over ``payloads``, in order."""
        return [function(payload) for payload in payloads]


def start_method() -> str:
    """How to start pool workers from here: "fork" only where it is safe, else a fresh process.

    ``fork`` copies the whole process, imported modules included, so workers start in
    milliseconds; but it copies only the calling thread, so a lock another thread held (a
    logging handler, a database pool, the allocator) stays locked forever in the child. The
    web app calls from a thread pool, so fork is used only from the main thread of a
    single-threaded process. Otherwise workers come from a forkserver (a clean process forked
    on demand) or, where there is none, are spawned.
    """
    methods = multiprocessing.get_all_start_methods()
    single_threaded = threading.current_thread() is threading.main_thread() and \
        threading.active_count() == 1
    if "fork" in methods and single_threaded:
        return "fork"
    if "forkserver" in methods:
        return "forkserver"
    return "spawn"


class ProcessPoolBackend(_Backend):
    """Runs jobs on a local process pool (all cores by default), kept until :meth:`close`.

    The start method is chosen by :func:`start_method` when the pool starts (``method``
    overrides it). Where no process pool can be started at all (no working semaphores, as on
    some sandboxes), jobs run in this process instead: slower, same results.
    """

    def __init__(self, workers: int | None = None, method: str | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.chunk = self.workers
        self.method = method
        self._pool: ProcessPoolExecutor | None = None
        self.in_process = False

    def map(self, function: Callable, payloads: Sequence) -> list:
        """Results of ``function`` over ``payloads``, in order."""
        if self.workers <= 1 or len(payloads) <= 1 or self.in_process:
            return InProcessBackend().map(function, payloads)
        if self._pool is None:
            self._pool = self._start()
            if self._pool is None:
                return InProcessBackend().map(function, payloads)
        return list(self._pool.map(function, payloads))

    def _start(self) -> ProcessPoolExecutor | None:
        self.method = self.method or start_method()
        context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            # Workers forked from a server that has imported the engine start fast; the
            # preload also hands the server this process's sys.path.
            context.set_forkserver_preload([__name__])
        try:
            return ProcessPoolExecutor(self.workers, mp_context=context)
        except (NotImplementedError, OSError) as error:
            warnings.warn(f"no process pool ({error}); replications run in this process",
                          RuntimeWarning, stacklevel=3)
            self.in_process = True
            return None

    def close(self) -> None:
        """Shut the pool down."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class RQBackend(_Backend):
    """Enqueues jobs on Redis (RQ) and waits for the workers' results.

    ``before_wait(queue)`` is called once the jobs are enqueued; tests use it to run an
    in-process ``SimpleWorker`` in burst mode.
    """

    def __init__(self, redis_url: str | None = None, queue_name: str = RQ_QUEUE,
                 timeout: float = 3600.0, poll_seconds: float = 0.1,
                 before_wait: Callable | None = None, connection=None):
        self.redis_url = redis_url or os.environ.get("REDIS_URL")
        self.queue_name = queue_name
        self.timeout = timeout
        self.poll_seconds = poll_seconds
        self.before_wait = before_wait
        self.connection = connection

    def queue(self):
        """The RQ queue jobs go to."""
        from redis import Redis
        from rq import Queue
        connection = self.connection or Redis.from_url(self.redis_url)
        return Queue(self.queue_name, connection=connection)

    def map(self, function: Callable, payloads: Sequence) -> list:
        """Enqueue one job per payload, wait for all, return results in order."""
        queue = self.queue()
        jobs = [queue.enqueue(function, payload, job_timeout=int(self.timeout),
                              result_ttl=3600, failure_ttl=86400) for payload in payloads]
        if self.before_wait is not None:
            self.before_wait(queue)
        deadline = time.monotonic() + self.timeout
        pending = list(jobs)
        while pending:
            pending = [job for job in pending if not self._finished(job)]
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"{len(pending)} simulation job(s) did not finish in time")
            if pending:
                time.sleep(self.poll_seconds)
        return [job.return_value() for job in jobs]

    @staticmethod
    def _finished(job) -> bool:
        status = job.get_status(refresh=True)
        if status in ("failed", "stopped", "canceled"):
            raise RuntimeError(f"simulation job {job.id} {status}: {job.exc_info or ''}")
        return status == "finished"


def default_backend(workers: int | None = None):
    """RQ when ``REDIS_URL`` is set, else a process pool over ``workers`` (all cores)."""
    if os.environ.get("REDIS_URL"):
        return RQBackend()
    return ProcessPoolBackend(workers)


def run_replications(scenario: Scenario, replications: int = 10, seed: int = 1, *,
                     workers: int | None = None, backend=None, first: int = 0,
                     progress: Callable[[int], None] | None = None) -> list[RunResult]:
    """Simulate ``replications`` independent replications; results in replication order.

    ``first`` numbers them from there (more replications of the same seed, e.g. to settle a
    close call, continue the sequence). ``progress(n)`` is called as results come in (after
    each replication in process, after each batch of the pool's size otherwise).
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    payloads = [(scenario, seed, r) for r in range(first, first + replications)]
    if backend is not None:
        return _map(backend, payloads, progress)
    with default_backend(workers) as own:
        return _map(own, payloads, progress)


def _map(backend, payloads: list, progress) -> list[RunResult]:
    if progress is None:
        return backend.map(run_replication, payloads)
    chunk = max(1, int(getattr(backend, "chunk", len(payloads)) or len(payloads)))
    results: list[RunResult] = []
    for start in range(0, len(payloads), chunk):
        batch = backend.map(run_replication, payloads[start:start + chunk])
        results.extend(batch)
        progress(len(batch))
    return results

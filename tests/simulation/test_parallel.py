"""Replications give the same results in process, on a process pool and as RQ jobs."""

import multiprocessing
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from scenarios import load_scenario
from simulation import (
    InProcessBackend,
    ProcessPoolBackend,
    RQBackend,
    parallel,
    run_replications,
    summarise,
)
from simulation.parallel import start_method

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _offered(results):
    return [r.contacts["offered"] for r in results]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("normal_weekday")


@pytest.fixture(scope="module")
def in_process(scenario):
    return run_replications(scenario, 3, seed=21, backend=InProcessBackend())


def test_process_pool_gives_the_in_process_results(scenario, in_process):
    with ProcessPoolBackend(2) as backend:
        pooled = run_replications(scenario, 3, seed=21, backend=backend)
    assert [r.replication for r in pooled] == [0, 1, 2]
    for a, b in zip(_offered(in_process), _offered(pooled), strict=True):
        assert np.array_equal(a, b)


def test_replications_are_independent_and_summarised_with_intervals(in_process):
    assert not np.array_equal(in_process[0].contacts["offered"],
                              in_process[1].contacts["offered"])
    summary = summarise(in_process)
    offered = summary.levels["total"]["offered"]
    assert summary.replications == 3
    assert offered.half_width[-1] > 0
    assert offered.low[-1] < offered.mean[-1] < offered.high[-1]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(),
                    reason=f"no Redis server on {REDIS_HOST}:{REDIS_PORT} for the RQ path")
def test_rq_jobs_give_the_in_process_results(scenario, in_process):
    from redis import Redis
    from rq import SimpleWorker

    connection = Redis(REDIS_HOST, REDIS_PORT)
    name = f"simulation-test-{uuid.uuid4().hex[:8]}"

    def work(queue):
        SimpleWorker([queue], connection=connection).work(burst=True)

    backend = RQBackend(queue_name=name, connection=connection, before_wait=work, timeout=120)
    try:
        results = run_replications(scenario, 3, seed=21, backend=backend)
    finally:
        queue = backend.queue()
        queue.delete(delete_jobs=True)
    for a, b in zip(_offered(in_process), _offered(results), strict=True):
        assert np.array_equal(a, b)


def test_redis_url_selects_rq(monkeypatch):
    from simulation.parallel import default_backend
    monkeypatch.setenv("REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/0")
    assert isinstance(default_backend(), RQBackend)
    monkeypatch.delenv("REDIS_URL")
    assert isinstance(default_backend(), ProcessPoolBackend)


# Filled in the test process only: a forked worker inherits it, a fresh worker does not.
_PARENT_MEMORY: list[int] = []


def _sees_parent_memory(_payload) -> bool:
    return bool(_PARENT_MEMORY)


def test_pool_used_from_a_thread_does_not_fork(scenario, in_process):
    # The web app calls run_replications from a thread pool; fork there copies locks held by
    # other threads into the workers, where they stay locked.
    def from_a_thread():
        with ProcessPoolBackend(2) as backend:
            seen = backend.map(_sees_parent_memory, [0, 1])
            method = getattr(backend, "method", None)
        return method, seen, run_replications(scenario, 3, seed=21, workers=2)

    _PARENT_MEMORY.append(1)
    try:
        with ThreadPoolExecutor(1) as threads:
            method, seen, pooled = threads.submit(from_a_thread).result(timeout=300)
    finally:
        _PARENT_MEMORY.clear()
    assert seen == [False, False]
    assert method in ("forkserver", "spawn")
    for a, b in zip(_offered(in_process), _offered(pooled), strict=True):
        assert np.array_equal(a, b)


def test_without_fork_workers_are_spawned(monkeypatch, scenario, in_process):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert start_method() == "spawn"
    with ProcessPoolBackend(2) as backend:
        pooled = run_replications(scenario, 3, seed=21, backend=backend)
        assert backend.method == "spawn"
    for a, b in zip(_offered(in_process), _offered(pooled), strict=True):
        assert np.array_equal(a, b)


def test_no_process_pool_at_all_falls_back_to_this_process(monkeypatch, scenario, in_process):
    def no_semaphores(*args, **kwargs):
        raise NotImplementedError("sem_open is not implemented on this system")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_semaphores)
    with pytest.warns(RuntimeWarning, match="run in this process"):
        results = run_replications(scenario, 3, seed=21, workers=2)
    for a, b in zip(_offered(in_process), _offered(results), strict=True):
        assert np.array_equal(a, b)

"""Replications give the same results in process, on a process pool and as RQ jobs."""

import socket
import uuid

import numpy as np
import pytest

from scenarios import load_scenario
from simulation import (
    InProcessBackend,
    ProcessPoolBackend,
    RQBackend,
    run_replications,
    summarise,
)

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

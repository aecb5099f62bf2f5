"""CKAN's RQ queue in the test Redis: jobs run in this process (no fork)."""
from __future__ import annotations

import signal
from contextlib import contextmanager

import rq
from rq.registry import (
    CanceledJobRegistry,
    DeferredJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

import ckan.lib.jobs as ckan_jobs

_REGISTRIES = (
    ScheduledJobRegistry, FailedJobRegistry, FinishedJobRegistry,
    StartedJobRegistry, DeferredJobRegistry, CanceledJobRegistry,
)


def purge_registries() -> None:
    queue = ckan_jobs.get_queue()
    for registry_class in _REGISTRIES:
        registry = registry_class(queue=queue)
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@contextmanager
def own_signal_handlers():
    # An RQ worker installs SIGINT/SIGTERM handlers of its own; give
    # pytest its handlers back afterwards.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_jobs() -> None:
    """Run the queued jobs here, in this process (no fork), until the queue
    is empty."""
    queue = ckan_jobs.get_queue()
    with own_signal_handlers():
        rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)


def queued_jobs() -> list[rq.job.Job]:
    return ckan_jobs.get_queue().get_jobs()

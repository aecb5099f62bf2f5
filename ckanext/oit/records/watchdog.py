"""Loads lost with their worker: a table "queued" whose job no longer runs.

RQ keeps each job's status and the worker that took it. A job that is gone,
failed or stopped outside our loader (its process killed, out of memory), or
started by a worker that no longer exists, is lost: it is queued once more, and
after a second loss the state becomes "failed" with a problem to read. Run by
``ckan oit records watchdog`` (cron) and by ``ckan oit worker`` when it starts,
which is when a worker that died has just been replaced.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.worker import Worker

import ckan.lib.jobs as ckan_jobs
from ckan import model

from ckanext.oit.i18n_messages import Message
from ckanext.oit.records import jobs
from ckanext.oit.records.model import FAILED, QUEUED, RecordsLoad

log = logging.getLogger(__name__)
# a state is queued (and committed) just before its job is; not judged in between
GRACE = datetime.timedelta(seconds=60)
ATTEMPTS = 2
_WAITING = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


@dataclass
class Sweep:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _worker_alive(name: str | None, connection) -> bool:
    if not name:
        return False
    return Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection) is not None


def lost(job_id: str) -> bool:
    """Whether the job will never end the load it was given."""
    connection = ckan_jobs.get_queue().connection
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return True
    status = job.get_status(refresh=True)
    if status in _WAITING:
        return False
    if status == JobStatus.STARTED:
        return not _worker_alive(job.worker_name, connection)
    # finished, failed, stopped or cancelled, yet the loader never wrote its end
    return True


def sweep(now: datetime.datetime | None = None) -> Sweep:
    now = now or datetime.datetime.utcnow()
    done = Sweep()
    waiting = (model.Session.query(RecordsLoad)
               .filter(RecordsLoad.status == QUEUED, RecordsLoad.job_id.like("oit-records-%"),
                       RecordsLoad.updated_at < now - GRACE).all())
    for state in waiting:
        resource_id, attempts, job_id = state.resource_id, state.attempts or 1, state.job_id
        if not lost(job_id):
            continue
        resource = model.Resource.get(resource_id)
        if resource is None or resource.state != "active" or attempts >= ATTEMPTS:
            kept = state.row_count
            state.set(FAILED, rows=kept, problems=[jobs.problem(Message(
                "The processing of the file stopped twice without finishing (the worker was lost); "
                "upload it again, and if it happens again tell the site administrator"))])
            state.attempts = attempts
            model.Session.commit()
            log.warning("records load of %s lost again (job %s): failed", resource_id, job_id)
            done.failed.append(resource_id)
        else:
            log.warning("records load of %s lost (job %s): queued once more", resource_id, job_id)
            jobs.queue(resource_id, again=True)
            done.requeued.append(resource_id)
    return done

"""Background jobs of the notifications, run by CKAN's RQ worker.

A job carries everything it sends (address, subject, body), so it never reads
the database and a retry sends the same mail as the first try.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Optional

from ckan.lib import mailer

log = logging.getLogger(__name__)


def send_mail(
    recipient_name: str,
    recipient_email: str,
    subject: str,
    body: str,
    headers: Optional[dict[str, Any]] = None,
) -> None:
    """Send one plain-text mail with CKAN's mailer.

    A failure (``MailerException`` for an unreachable or refusing SMTP
    server, or any other error) propagates, so RQ marks the job failed and
    retries it as the job's ``Retry`` says.
    """
    try:
        mailer.mail_recipient(
            recipient_name, recipient_email, subject, body, headers=headers or {}
        )
    except Exception as error:
        log.warning(
            "OIT notification to %s (%r) not sent, RQ will retry if it can: %s",
            recipient_email, subject, error,
        )
        raise
    log.info("OIT notification sent to %s: %s", recipient_email, subject)


def run_worker(queues: Optional[Iterable[str]] = None, burst: bool = False) -> None:
    """CKAN's job worker with RQ's scheduler on.

    A failed mail is retried after an interval, which RQ implements by
    putting the job in its scheduled-job registry. Only a worker started
    with the scheduler moves such jobs back to the queue when they are due;
    ``ckan jobs worker`` starts CKAN's worker without it, so under it a
    retry with an interval would wait for ever. Run this one instead (it
    is ``ckan.lib.jobs.Worker`` otherwise unchanged).
    """
    from ckan.lib.jobs import Worker

    from ckanext.oit.records.watchdog import sweep

    sweep()  # a worker starting may be replacing one that died with a table load
    Worker(list(queues or [])).work(burst=burst, with_scheduler=True)

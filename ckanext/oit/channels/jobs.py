"""Background jobs of the channels: the answer mailed to whoever asked, and the
yearly complaint statistics (both run by CKAN's RQ worker)."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import notifications
from ckanext.oit.notifications.jobs import send_mail

log = logging.getLogger(__name__)


def mail_answer(question: Any) -> None:
    """Queue the answer to the asker's address; a queue that is down must not
    undo the answer, so errors are logged."""
    org = model.Group.get(question.owner_org)
    title = org.title if org else ""
    subject = f"คำตอบจาก{title} / Answer from {title}"
    body = (f"คำถามของท่าน / Your question:\n{question.question}\n\n"
            f"คำตอบ / Answer:\n{question.answer}\n\n"
            f"{tk.config.get('ckan.site_url')}/oit/{org.name if org else ''}/questions\n")
    rq_kwargs: dict[str, Any] = {}
    retry = notifications.retry_policy()
    if retry is not None:
        rq_kwargs["retry"] = retry
    try:
        tk.enqueue_job(send_mail, kwargs={
            "recipient_name": question.name or question.email, "recipient_email": question.email,
            "subject": subject, "body": body,
            "headers": {"Auto-Submitted": "auto-generated", "X-OIT-Event": "question_answered"},
        }, title=f"OIT answer to question {question.id}", rq_kwargs=rq_kwargs)
    except Exception:
        log.exception("the answer to question %s could not be queued for mailing", question.id)


def generate_statistics(org_id: str, fiscal_year: int, user_name: str) -> dict[str, Any]:
    """The job: count, write the CSV, create or update the draft dataset."""
    from ckanext.oit.channels import statistics

    result = statistics.generate(org_id, fiscal_year, user_name)
    log.info("complaint statistics %s of FY %s: %s", org_id, fiscal_year, result)
    return result


def queue_statistics(org_id: str, fiscal_year: int, user_name: str) -> str:
    job = tk.enqueue_job(generate_statistics, [org_id, fiscal_year, user_name],
                         title=f"OIT complaint statistics {org_id} {fiscal_year}")
    return job.id

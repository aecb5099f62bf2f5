"""Workflow e-mails (issue 4), end to end on real services: the functions
enqueue jobs on CKAN's RQ queue in the test Redis, an RQ worker runs them in
this process, CKAN's mailer sends them to a real SMTP server (aiosmtpd) on
the address test.ini gives (``smtp.server``)."""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

import ckan.lib.jobs as ckan_jobs
import ckan.lib.redis as ckan_redis
import ckan.model as model
from ckan.tests import factories

from ckanext.oit import notifications
from ckanext.oit.notifications import jobs as oit_jobs
from ckanext.oit.notifications import mail as oit_mail
from ckanext.oit.notifications import messages
from ckanext.oit.thai_calendar import be_year
from support.jobs import own_signal_handlers, queued_jobs, run_jobs
from support.mail import Mail
from support.workflow import new_office

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "mail_queue")

TITLE = "สรุปผลการจัดซื้อจัดจ้าง (แบบ สขร.1) เดือนมีนาคม 2569"
REASON = "แนบไฟล์ สขร.1 ไม่ครบทุกหน้า\nโปรดเพิ่มหน้า 2 และ 3 แล้วส่งใหม่"


@contextmanager
def captured_log(name: str):
    records: list[logging.LogRecord] = []

    class Handler(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger(name)
    handler = Handler(level=logging.DEBUG)
    old_level, old_disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    # clean_db runs the activity plugin's alembic env.py, whose fileConfig()
    # disables every logger its alembic.ini does not name, ours included.
    logger.disabled = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.disabled = old_disabled


# --- people and a dataset ---------------------------------------------------

@pytest.fixture
def office():
    """An organisation with three admins (one without an e-mail address),
    two editors, and a sysadmin outside it; a dataset of it as package_show
    gives it."""
    director = factories.User(
        name="director", fullname="นายสมชาย ใจดี", email="director@example.org"
    )
    deputy = factories.User(
        name="deputy", fullname="นางสาวสมหญิง รักงาน", email="deputy@example.org"
    )
    mailless = factories.User(name="mailless", email="mailless@example.org")
    editor = factories.User(
        name="editor", fullname="นายปกรณ์ พัสดุ", email="editor@example.org"
    )
    other_editor = factories.User(name="other-editor", email="other@example.org")
    factories.Sysadmin(name="root", email="root@example.org")
    org = factories.Organization(
        user=director,
        title="สำนักงานทดสอบ",
        users=[
            {"name": "deputy", "capacity": "admin"},
            {"name": "mailless", "capacity": "admin"},
            {"name": "editor", "capacity": "editor"},
            {"name": "other-editor", "capacity": "editor"},
        ],
    )
    # user_create insists on an e-mail address; old accounts may lack one.
    user = model.User.get(mailless["id"])
    user.email = ""
    model.Session.commit()
    package = {
        "id": "d0a1e7c2-0000-4000-8000-000000000001",
        "name": "procurement-summary-2569-03",
        "title": TITLE,
        "type": "oit-procurement",
        "owner_org": org["id"],
        "organization": {"id": org["id"], "name": org["name"], "title": org["title"]},
    }
    return {
        "org": org, "package": package, "director": director, "deputy": deputy,
        "editor": editor, "other_editor": other_editor,
    }


DATASET_URL = "http://test.ckan.net/oit-procurement/procurement-summary-2569-03"


def _assert_seven_bit_and_base64(mail: Mail) -> None:
    # CKAN's mailer sends the text part base64-encoded and the Thai subject
    # as an RFC 2047 encoded word: the raw message is plain ASCII.
    mail.raw.decode("ascii")
    part = mail.message.get_body(preferencelist=("plain",))
    assert part["Content-Transfer-Encoding"] == "base64"
    assert part.get_content_charset() == "utf-8"
    assert "=?utf-8?" in mail.raw.decode("ascii").lower()


# --- submit ---------------------------------------------------------------

def test_submit_mails_every_admin_but_not_editors_or_submitter(office, mailbox):
    notifications.notify_submitted(office["package"], office["editor"])

    jobs = queued_jobs()
    assert len(jobs) == 2
    assert all(job.func_name == "ckanext.oit.notifications.jobs.send_mail" for job in jobs)
    run_jobs()

    assert sorted(addr for mail in mailbox.mails for addr in mail.to) == [
        "deputy@example.org", "director@example.org",
    ]
    mail = next(m for m in mailbox.mails if m.to == ["director@example.org"])
    _assert_seven_bit_and_base64(mail)
    assert mail.subject == f"[OIT] รออนุมัติ: {TITLE} / Awaiting approval"
    assert "นายสมชาย ใจดี" in mail.message["To"]
    assert mail.message["Auto-Submitted"] == "auto-generated"
    body = mail.body
    assert body.index("เรียน นายสมชาย ใจดี") < body.index("Dear นายสมชาย ใจดี,")
    assert "นายปกรณ์ พัสดุ ส่งชุดข้อมูล" in body
    assert "ของสำนักงานทดสอบ" in body
    assert DATASET_URL in body
    # Today's date, in the Buddhist Era.
    assert str(be_year(datetime.now(timezone.utc).year)) in body


def test_submit_by_an_admin_skips_that_admin(office, mailbox):
    notifications.notify_submitted(
        office["package"], office["deputy"], comment="ข้อมูลเดือนมีนาคม", change_request=True
    )
    run_jobs()

    assert [mail.to for mail in mailbox.mails] == [["director@example.org"]]
    mail = mailbox.mails[0]
    assert mail.subject == f"[OIT] คำขอแก้ไขรออนุมัติ: {TITLE} / Change awaiting approval"
    assert "ความเห็น:\n  ข้อมูลเดือนมีนาคม" in mail.body
    assert "Comment:\n  ข้อมูลเดือนมีนาคม" in mail.body


def test_submit_with_no_admin_to_tell_sends_nothing(office, mailbox):
    lonely = factories.Organization(user=office["editor"])
    package = dict(office["package"], owner_org=lonely["id"])
    notifications.notify_submitted(package, office["editor"])  # its only admin
    assert queued_jobs() == []


# --- decisions --------------------------------------------------------------

def test_return_mail_reaches_the_submitter_with_the_reason(office, mailbox):
    notifications.notify_decision(
        office["package"], "returned", office["editor"]["id"], office["director"], REASON
    )
    run_jobs()

    assert [mail.to for mail in mailbox.mails] == [["editor@example.org"]]
    mail = mailbox.mails[0]
    _assert_seven_bit_and_base64(mail)
    assert mail.subject == f"[OIT] ส่งกลับให้แก้ไข: {TITLE} / Returned for revision"
    body = mail.body
    assert "นายสมชาย ใจดี ส่งชุดข้อมูล" in body
    assert (
        "เหตุผล:\n  แนบไฟล์ สขร.1 ไม่ครบทุกหน้า\n  โปรดเพิ่มหน้า 2 และ 3 แล้วส่งใหม่"
        in body
    )
    assert "Reason:\n  แนบไฟล์ สขร.1 ไม่ครบทุกหน้า" in body
    assert DATASET_URL in body


def test_approve_mail_reaches_the_submitter(office, mailbox):
    notifications.notify_decision(
        office["package"], "approved", office["editor"]["name"], office["director"], None
    )
    run_jobs()

    assert [mail.to for mail in mailbox.mails] == [["editor@example.org"]]
    mail = mailbox.mails[0]
    assert mail.subject == f"[OIT] อนุมัติและเผยแพร่แล้ว: {TITLE} / Approved and published"
    assert "นายสมชาย ใจดี อนุมัติชุดข้อมูล" in mail.body
    assert "approved the dataset" in mail.body
    assert "เหตุผล" not in mail.body and "Reason" not in mail.body
    assert mail.message["X-OIT-Event"] == "approved"


@pytest.mark.parametrize(
    "decision, label, reason_expected",
    [
        ("change_approved", "อนุมัติการแก้ไขแล้ว", False),
        ("change_returned", "ส่งคำขอแก้ไขกลับ", True),
        ("withdrawn", "ถอนการเผยแพร่", True),
    ],
)
def test_other_decisions(office, mailbox, decision, label, reason_expected):
    notifications.notify_decision(
        office["package"], decision, office["editor"]["id"], office["director"],
        "เอกสารอ้างอิงผิดฉบับ" if reason_expected else None,
    )
    run_jobs()

    assert len(mailbox.mails) == 1
    mail = mailbox.mails[0]
    assert mail.subject.startswith(f"[OIT] {label}: {TITLE} / ")
    assert ("เหตุผล:\n  เอกสารอ้างอิงผิดฉบับ" in mail.body) == reason_expected


def test_no_mail_for_own_decision_or_a_submitter_without_address(office, mailbox):
    package = office["package"]
    notifications.notify_decision(
        package, "approved", office["director"]["id"], office["director"], None
    )
    notifications.notify_decision(package, "approved", "no-such-user", office["director"], None)
    bare = model.User.get(office["other_editor"]["id"])
    bare.email = None
    model.Session.commit()
    notifications.notify_decision(package, "returned", bare.id, office["director"], "x")
    assert queued_jobs() == []


def test_unknown_decision_is_a_programming_error(office):
    with pytest.raises(ValueError, match="unknown decision"):
        notifications.notify_decision(
            office["package"], "rejected", office["editor"]["id"], office["director"], None
        )


# --- failures: SMTP -----------------------------------------------------------

def test_smtp_down_the_job_fails_and_is_scheduled_for_retry(office, smtp):
    assert not smtp.running
    notifications.notify_decision(
        office["package"], "returned", office["editor"]["id"], office["director"], REASON
    )  # nothing raises at enqueue time
    [job] = queued_jobs()
    assert job.retries_left == 3 and job.retry_intervals == [60, 300, 900]

    before = datetime.now(timezone.utc)
    with captured_log("ckanext.oit.notifications.jobs") as records:
        run_jobs()

    job.refresh()
    assert job.get_status() == "scheduled"
    assert job.retries_left == 2
    queue = ckan_jobs.get_queue()
    assert job.id in ScheduledJobRegistry(queue=queue).get_job_ids()
    assert job.id not in FailedJobRegistry(queue=queue).get_job_ids()
    due = ScheduledJobRegistry(queue=queue).get_scheduled_time(job.id)
    assert 55 <= (due - before).total_seconds() <= 65
    # RQ keeps no result for a try it will retry; the job logs why it failed.
    [warning] = [r for r in records if r.levelno == logging.WARNING]
    assert "SMTP server could not be connected" in warning.getMessage()
    assert smtp.mails == []


@pytest.mark.ckan_config("ckanext.oit.mail_retries", "2")
@pytest.mark.ckan_config("ckanext.oit.mail_retry_intervals", "0")
def test_smtp_down_until_retries_run_out_leaves_a_failed_job(office, smtp):
    notifications.notify_decision(
        office["package"], "approved", office["editor"]["id"], office["director"], None
    )
    [job] = queued_jobs()
    run_jobs()  # the first try and both retries (no wait between them)

    job.refresh()
    assert job.get_status() == "failed"
    assert job.retries_left == 0
    assert job.id in FailedJobRegistry(queue=ckan_jobs.get_queue()).get_job_ids()
    assert "SMTP server could not be connected" in job.latest_result().exc_string


@pytest.mark.ckan_config("ckanext.oit.mail_retry_intervals", "1")
def test_a_retry_delivers_once_smtp_is_back(office, smtp):
    notifications.notify_decision(
        office["package"], "returned", office["editor"]["id"], office["director"], REASON
    )
    [job] = queued_jobs()
    run_jobs()
    job.refresh()
    assert job.get_status() == "scheduled"

    smtp.start()
    registry = ScheduledJobRegistry(queue=ckan_jobs.get_queue())
    deadline = time.monotonic() + 10
    while not registry.get_jobs_to_schedule() and time.monotonic() < deadline:
        time.sleep(0.2)
    # The production worker: CKAN's (forking) worker with RQ's scheduler.
    with own_signal_handlers():
        oit_jobs.run_worker(burst=True)

    job.refresh()
    assert job.get_status() == "finished"
    assert [mail.to for mail in smtp.mails] == [["editor@example.org"]]
    assert "โปรดเพิ่มหน้า 2 และ 3" in smtp.mails[0].body


# --- failures: Redis --------------------------------------------------------

@pytest.fixture
def redis_down(monkeypatch, ckan_config):
    """Point CKAN at a Redis port nobody listens on, dropping its cached
    connection pool and queues (undone before mail_queue's teardown)."""
    with monkeypatch.context() as patch:
        patch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:1/0")
        patch.setattr(ckan_redis, "_connection_pool", None)
        patch.setattr(ckan_jobs, "_queues", {})
        yield


def test_redis_down_notify_logs_and_returns(office, redis_down):
    with captured_log("ckanext.oit.notifications") as records:
        started = time.monotonic()
        notifications.notify_submitted(office["package"], office["editor"])
        notifications.notify_decision(
            office["package"], "returned", office["editor"]["id"], office["director"], REASON
        )
        elapsed = time.monotonic() - started

    errors = [r for r in records if r.levelno >= logging.ERROR]
    # One per mail: two admins for the submission, the submitter for the return.
    assert len(errors) == 3
    assert all("could not be queued" in r.getMessage() for r in errors)
    assert all(r.exc_info for r in errors)
    assert elapsed < 10


# --- configuration and messages -------------------------------------------------

@pytest.mark.ckan_config("ckanext.oit.mail_retries", "5")
@pytest.mark.ckan_config("ckanext.oit.mail_retry_intervals", "10 20")
def test_retry_policy_from_config():
    retry = oit_mail.retry_policy()
    assert retry.max == 5
    assert retry.intervals == [10, 20, 20, 20, 20]


@pytest.mark.ckan_config("ckanext.oit.mail_retries", "0")
def test_no_retry_when_retries_is_zero(office, smtp):
    assert oit_mail.retry_policy() is None
    notifications.notify_decision(
        office["package"], "approved", office["editor"]["id"], office["director"], None
    )
    [job] = queued_jobs()
    run_jobs()
    job.refresh()
    assert job.get_status() == "failed"


@pytest.mark.ckan_config("ckanext.oit.mail_retry_intervals", "soon")
def test_bad_intervals_fall_back_to_the_defaults():
    assert oit_mail.retry_policy().intervals == [60, 300, 900]


def test_message_dates_are_in_the_buddhist_era():
    when = datetime(2026, 3, 5, 7, 30, tzinfo=timezone.utc)  # 14:30 in Bangkok
    message = messages.decision_message(
        {"name": "x", "title": "ชุดข้อมูล\nสองบรรทัด", "type": "oit-hr"},
        "withdrawn", {"name": "boss"}, {"name": "clerk"}, None, when=when,
    )
    assert message.subject == "[OIT] ถอนการเผยแพร่: ชุดข้อมูล สองบรรทัด / Withdrawn from publication"
    assert "เมื่อวันที่ 5 มีนาคม 2569 เวลา 14:30 น." in message.body
    assert "on 5 March 2026 (B.E. 2569) at 14:30" in message.body
    assert "(ไม่ได้ระบุเหตุผล)" in message.body
    assert "http://test.ckan.net/oit-hr/x" in message.body


# --- the workflow's own transitions ------------------------------------------


def test_the_workflow_mails_the_director_then_the_submitter_with_the_reason(mail_queue, mailbox):
    people = new_office()
    dataset = people.dataset("draft")
    people.act("editor", "oit_submit", id=dataset["id"])
    run_jobs()
    assert [mail.to for mail in mailbox.mails] == [[people.users["admin"]["email"]]]
    assert "รออนุมัติ" in mailbox.mails[0].subject

    people.act("admin", "oit_return", id=dataset["id"], comment="แนบไฟล์ที่ลงนามแล้วด้วย")
    run_jobs()
    returned = mailbox.mails[-1]
    assert returned.to == [people.users["editor"]["email"]]
    assert "แนบไฟล์ที่ลงนามแล้วด้วย" in returned.body

    people.act("editor", "oit_submit", id=dataset["id"])
    people.act("admin", "oit_approve", id=dataset["id"])
    run_jobs()
    assert mailbox.mails[-1].to == [people.users["editor"]["email"]]
    assert len(mailbox.mails) == 4  # submit, return, submit, approve

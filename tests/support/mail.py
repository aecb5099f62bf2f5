"""A real SMTP server (aiosmtpd) on the address test.ini gives (``smtp.server``);
the fixtures smtp and mailbox of tests/conftest.py start it."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Mail:
    to: list[str]
    raw: bytes
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class _Inbox:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.mails.append(Mail(list(envelope.rcpt_tos), raw, parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on the address of ``smtp.server``, started on demand."""

    def __init__(self, host: str, port: int) -> None:
        self.inbox = _Inbox()
        self._controller = Controller(self.inbox, hostname=host, port=port)
        self.running = False

    @property
    def mails(self) -> list[Mail]:
        return self.inbox.mails

    def start(self) -> "SmtpServer":
        self._controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self._controller.stop()
            self.running = False

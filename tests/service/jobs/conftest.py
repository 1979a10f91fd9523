"""A real SMTP server (aiosmtpd on a free loopback port) and helpers to read what it got."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from service.jobs import huey
from tests.conftest import in_days

LINK = re.compile(r"http://feedback360\.test/s/(\S+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Keeps every message accepted; refuses the recipients in `refused` with a 550."""

    def __init__(self):
        self.messages = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]

    def recipients(self) -> list[str]:
        return sorted(m["To"].addresses[0].addr_spec for m in self.messages)

    def survey_tokens(self) -> dict[str, str]:
        """The survey token of the newest email with a survey link to each address."""
        tokens = {}
        for message in self.messages:
            if link := LINK.search(text_of(message)):
                tokens[message["To"].addresses[0].addr_spec] = link.group(1)
        return tokens


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_token(message) -> str:
    return LINK.search(text_of(message)).group(1)


class SmtpServer:
    def __init__(self, mailbox: Mailbox, port: int):
        self.mailbox, self.port = mailbox, port
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    """A running SMTP server that the app sends to; .stop() and .start() take it down and up."""
    server = SmtpServer(Mailbox(), free_port())
    server.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{server.port}")
    yield server
    server.stop()


SEVEN_RATERS = [
    {"name": f"Rater {n}", "email": f"rater{n}@example.org", "relationship": relationship}
    for n, relationship in enumerate(
        ["manager", "peer", "peer", "peer", "direct_report", "direct_report", "other"]
    )
]


@pytest.fixture
def people(api):
    """(hr token, subject token) for Maya Lind, the subject of the rounds here."""
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    _, maya = api.person("member", name="Maya Lind", email="maya@example.org")
    return hr, maya


def launch_round(
    api, hr, smtp=None, days: float = 14, raters=SEVEN_RATERS
) -> tuple[str, dict[str, str]]:
    """Launch a round about Maya; return its id and the survey tokens emailed so far by
    rater email: read from the test SMTP server, or without one from the outbox."""
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=raters, deadline=in_days(days)
    )
    if smtp is None:
        return created["id"], api.launch(hr, created["id"])
    launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    assert launched.status_code == 200, launched.get_json()
    return created["id"], smtp.mailbox.survey_tokens()


@pytest.fixture
def queued_by_hand(app):
    """Huey with a real (in-memory) queue: tasks wait until the test runs them."""
    app.config["JOBS_IMMEDIATE"] = False
    huey.immediate = False
    yield
    app.config["JOBS_IMMEDIATE"] = True
    huey.immediate = True


def run_next(app):
    """What a worker does with the next task: execute it, requeue it on failure."""
    with app.app_context():
        task = huey.dequeue()
        huey.execute(task)
    return task


def run_queue(app) -> None:
    """Run every task waiting (and those they queue) as a worker would."""
    while huey.pending_count():
        run_next(app)

"""A whole campaign with a real `feedback360 worker` sending every email to a real SMTP
server: nomination requests, the manager's approval request, the automatic launch at the
nomination deadline (the housekeeping run on the injected clock), raters answering from
their emailed links, the reminder to everyone who has not answered, close all and the ZIP."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from service.extensions import db
from service.jobs import init_jobs
from service.jobs.tasks import periodic_housekeeping
from service.services.exports import describe_export, download_export
from tests.service.campaigns.helpers import Org
from tests.service.conftest import answer_all
from tests.service.jobs.conftest import link_token, text_of
from tests.worker_process import running_worker

WAIT_SECONDS = 120


@pytest.fixture
def worker(app, database_url, smtp, monkeypatch):
    """The SQLite queue in the test's instance folder, shared with a worker process."""
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    init_jobs(app)  # the next test's fixture puts the queue back in immediate mode
    with running_worker(app, database_url, None, SMTP_URL=app.config["SMTP_URL"]) as process:
        yield process


def wait_for(condition, worker, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.poll() is None, worker.stdout.read()
        if time.monotonic() > deadline:
            worker.terminate()
            raise AssertionError(f"waited {WAIT_SECONDS} s for {what}: {worker.stdout.read()}")
        time.sleep(0.2)


def test_a_campaign_runs_from_nominations_to_the_zip(app, api, smtp, clock, worker):
    mailbox = smtp.mailbox
    org = Org(api)
    created = org.campaign(subjects=("ann",), minimum_raters={"peer": 3}, maximum_raters=5)
    round_id = created["rounds"][0]["id"]

    # 1. Ann is asked to name her raters, with the campaign's rule.
    wait_for(lambda: mailbox.to("ann@example.org"), worker, "the nomination request")
    request = text_of(mailbox.to("ann@example.org")[0])
    assert "at least 3 peers" in request and f"/rounds/{round_id}" in request

    # 2. She names three peers and submits; Mo, her manager, is asked to approve.
    org.name_peers(org.ann, round_id, 3)
    submitted = api.call("POST", f"/api/v1/rounds/{round_id}/nominations", org.ann)
    assert submitted.get_json()["stage"] == "awaiting_approval"
    wait_for(lambda: mailbox.to("mo@example.org"), worker, "the approval request")
    assert "Ann Able" in str(mailbox.to("mo@example.org")[0]["Subject"])
    approved = api.call("POST", f"/api/v1/rounds/{round_id}/approve", org.mo, json={})
    assert approved.get_json()["stage"] == "approved"

    # 3. Nothing starts before the nomination deadline; just after it, the housekeeping
    # launches the round and the worker sends the four invitations (self and three peers).
    with app.app_context():
        periodic_housekeeping.call_local()  # here, on the injected clock
    assert api.call("GET", f"/api/v1/rounds/{round_id}", org.hr).get_json()["status"] == "draft"
    clock.advance(days=7, minutes=1)
    with app.app_context():
        periodic_housekeeping.call_local()  # here, on the injected clock
        db.session.remove()
    assert api.call("GET", f"/api/v1/rounds/{round_id}", org.hr).get_json()["status"] == "open"
    # Back to the worker's clock: it stamps the emails and the ZIP with the real time.
    app.config.pop("CLOCK")
    invited = ["ann@example.org", "peer0@example.org", "peer1@example.org", "peer2@example.org"]
    wait_for(lambda: set(mailbox.survey_tokens()) >= set(invited), worker, "the invitations")
    tokens = mailbox.survey_tokens()

    # 4. Ann and two peers answer; the campaign's reminder reaches only the third peer.
    for email in invited[:3]:
        answer_all(api, tokens[email], 4)
    before = len(mailbox.messages)
    reminded = api.call("POST", f"/api/v1/campaigns/{created['id']}/remind", org.hr).get_json()
    assert reminded["queued"] == 1
    wait_for(lambda: len(mailbox.messages) > before, worker, "the reminder")
    reminder = mailbox.messages[-1]
    assert reminder["To"].addresses[0].addr_spec == "peer2@example.org"
    assert link_token(reminder)

    # 5. HR closes all and downloads the ZIP the worker builds.
    assert api.call("POST", f"/api/v1/campaigns/{created['id']}/close", org.hr).get_json() == {
        "closed": 1
    }
    export = api.call("POST", f"/api/v1/campaigns/{created['id']}/export", org.hr).get_json()
    with app.app_context():
        hr_id = api.call("GET", "/api/v1/people?email=hana@example.org", org.hr).get_json()[
            "people"
        ][0]["id"]

        def built() -> bool:
            db.session.remove()
            return describe_export(hr_id, export["id"])["status"] == "done"

        wait_for(built, worker, "the ZIP")
        path, _ = download_export(hr_id, export["id"])
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            names = archive.namelist()
        db.session.remove()
    assert len(names) == 1 and names[0].endswith(".pdf")

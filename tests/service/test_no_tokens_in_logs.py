"""A whole round, served over real HTTP by the development server, with every logger at
DEBUG: no survey token, sign-in link token or API token it minted appears in any log line
(the app's JSON lines, the development server's request lines, SQL, jobs, anything)."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from service.extensions import db
from service.logging_setup import JsonFormatter
from service.services.people import find_person_by_email
from service.services.sign_in_links import mint_sign_in_link
from tests.conftest import default_raters, in_days, outbox_files
from tests.service.web.pages import CSRF_FIELD

ALL_ANSWERS = 4


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def every_logger_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


class Http:
    """A browser-like client over real HTTP: cookies kept, redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, method: str, path: str, token: str | None = None, body=None, form=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - the test server's http URL
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def test_a_whole_round_logs_no_token(app, api, live_server, every_logger_at_debug):
    caplog = every_logger_at_debug
    minted: set[str] = set()
    hr_id, hr = api.person("hr", email="hana@example.org")
    _, maya = api.person("member", name="Maya Lind", email="maya@example.org")
    minted |= {hr, maya}
    web = Http(live_server)

    status, created = web.call(
        "POST",
        "/api/v1/rounds",
        hr,
        body={
            "deadline": in_days(14),
            "subject_email": "maya@example.org",
            "raters": default_raters(),
        },
    )
    assert status == 201, created
    round_id = json.loads(created)["id"]
    earlier = outbox_files(app)
    status, _ = web.call("POST", f"/api/v1/rounds/{round_id}/launch", hr)
    assert status == 200
    survey_tokens = api.emailed_tokens(
        [rater["email"] for rater in default_raters()] + ["maya@example.org"], ignore=earlier
    )
    minted |= set(survey_tokens.values())

    for email, token in survey_tokens.items():
        rater = Http(live_server)
        status, page = rater.call("GET", f"/s/{token}")  # the link, then the survey page
        assert status == 200, email
        status, survey = rater.call("GET", "/api/v1/survey", token)
        assert status == 200
        items = [item["id"] for skill in json.loads(survey)["skills"] for item in skill["items"]]
        status, _ = rater.call(
            "POST",
            "/api/v1/survey/submit",
            token,
            body={"answers": dict.fromkeys(items, ALL_ANSWERS), "comments": {}},
        )
        assert status == 200, email
    # A link that does not exist is logged as carefully as one that does.
    made_up = "madeUpToken_" + "q" * 31
    minted.add(made_up)
    assert Http(live_server).call("GET", f"/s/{made_up}")[0] == 404

    with app.app_context():
        sign_in_token = mint_sign_in_link(find_person_by_email("maya@example.org"))
        db.session.commit()
    minted.add(sign_in_token)
    browser = Http(live_server)
    status, page = browser.call("GET", f"/sign-in/{sign_in_token}")
    assert status == 200
    csrf = CSRF_FIELD.search(page.decode()).group(1)
    status, _ = browser.call("POST", f"/sign-in/{sign_in_token}", form={"csrf_token": csrf})
    assert status == 200  # signed in, home page after the redirect

    status, _ = web.call("POST", f"/api/v1/rounds/{round_id}/close", hr)
    assert status == 200
    status, pdf = web.call("GET", f"/api/v1/rounds/{round_id}/report.pdf", maya)
    assert status == 200 and pdf.startswith(b"%PDF")
    status, _ = browser.call("GET", f"/rounds/{round_id}/report")
    assert status == 200

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    lines += [record.getMessage() for record in caplog.records]
    written = "\n".join(lines) + caplog.text
    # The round was really logged: requests over the wire, the dev server's lines, jobs.
    assert any(r.name == "werkzeug" and "/s/[hidden]" in r.getMessage() for r in caplog.records)
    assert any(r.name == "service.requests" for r in caplog.records)
    assert any(r.name == "service.jobs.runs" for r in caplog.records)
    assert hr_id in written  # the caller's id is there, never their token
    leaked = sorted(token for token in minted if token in written)
    assert leaked == [], f"{len(leaked)} tokens in the logs"

"""gunicorn's logs keep no survey or sign-in token: requests parsed by gunicorn's own parser,
served by the app through gunicorn's WSGI environ, written by its logging handlers."""

from __future__ import annotations

import importlib
import json
import logging
import re
import shlex
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from service.access_log import (
    APP_LOGGER,
    MaskTokenLinks,
    TokenMaskingLogger,
    mask_token_links,
    masked_atom,
)
from service.web.survey import session as survey_session
from tests.service.web.test_sign_in import LINK, ask_for_link
from tests.service.web.test_sign_in_hardening import emailed_to

CLIENT = ("203.0.113.9", 41000)
SERVER = ("127.0.0.1", 8000)
MADE_UP = "Zq3x-madeUpToken_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c"
# Every atom that can hold the path, the query, the Referer, a credential or the URL: the
# request line, path, query, Referer; headers as sent and in the environ; an object of the
# environ (Flask's request, gone by the time gunicorn logs); the answer's Location and
# Set-Cookie.
EVERY_ATOM = "|".join(
    f"{name}=%({name})s"
    for name in (
        "r",
        "U",
        "q",
        "f",
        "{referer}i",
        "{authorization}i",
        "{cookie}i",
        "{raw_uri}e",
        "{path_info}e",
        "{query_string}e",
        "{http_referer}e",
        "{http_authorization}e",
        "{http_cookie}e",
        "{werkzeug.request}e",
        "{location}o",
        "{set-cookie}o",
    )
)


@pytest.fixture
def gunicorn_log(tmp_path):
    """The logger gunicorn builds from `--logger-class`, writing to files; its handlers and
    filter are taken off gunicorn's (process-wide) loggers afterwards."""
    cfg = Config()
    cfg.set("logger_class", "service.access_log.TokenMaskingLogger")
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("access_log_format", EVERY_ATOM)
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, TokenMaskingLogger)
    yield logger
    for log in (logger.access_log, logger.error_log, logging.getLogger(APP_LOGGER)):
        for handler in [kept for kept in log.handlers if getattr(kept, "_gunicorn", False)]:
            log.removeHandler(handler)
            handler.close()
        for kept in list(log.filters):
            log.removeFilter(kept)


def serve(app, logger, request: bytes) -> tuple[str, str]:
    """Serve one raw HTTP request as a gunicorn worker does; (status, access log line)."""
    cfg = logger.cfg
    (parsed,) = RequestParser(cfg, iter([request]), CLIENT)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        response, environ = wsgi.create(parsed, ours, CLIENT, SERVER, cfg)
        body = app(environ, response.start_response)
        try:
            b"".join(body)
        finally:
            body.close()
        logger.access(response, parsed, environ, timedelta(milliseconds=12))
    (line,) = Path(cfg.accesslog).read_text().splitlines()
    return response.status, line


def get(path: str, **headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: feedback360.test"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_survey_link_opened_leaves_no_token_or_credential_in_the_access_log(
    app, api, gunicorn_log
):
    _, hr = api.person("hr")
    created = api.create_round(hr)
    survey_token = next(iter(api.launch(hr, created["id"]).values()))
    status, line = serve(
        app,
        gunicorn_log,
        get(
            f"/s/{survey_token}?from=email",
            Referer=f"http://feedback360.test/sign-in/{MADE_UP}",
            Authorization=f"Bearer {survey_token}",
            Cookie=f"session={MADE_UP}",
        ),
    )
    assert status.startswith("303")  # the link worked: the rater is on the survey page
    assert survey_token not in line and MADE_UP not in line
    atoms = dict(atom.split("=", 1) for atom in line.split("|"))
    assert atoms["r"] == "GET /s/[hidden]?from=email HTTP/1.1"
    assert atoms["U"] == atoms["{path_info}e"] == "/s/[hidden]"
    assert atoms["q"] == atoms["{query_string}e"] == "from=email"
    assert atoms["{raw_uri}e"] == "/s/[hidden]?from=email"
    referer = "http://feedback360.test/sign-in/[hidden]"
    assert atoms["f"] == atoms["{referer}i"] == atoms["{http_referer}e"] == referer
    assert atoms["{location}o"] == "/survey"
    credentials = ("{authorization}i", "{cookie}i", "{http_authorization}e", "{http_cookie}e")
    assert {atoms[name] for name in credentials} == {"[hidden]"}
    # The session cookie the link was exchanged for signs the rater in: hidden too.
    assert atoms["{set-cookie}o"] == "[hidden]"


def test_a_sign_in_link_opened_leaves_no_token_in_the_access_log(app, client, api, gunicorn_log):
    api.person("member", email="maya@example.org")
    ask_for_link(client, "maya@example.org")
    (message,) = emailed_to(app, "maya@example.org")
    token = LINK.search(message["text"]).group(1)
    status, line = serve(app, gunicorn_log, get(f"/sign-in/{token}"))
    assert status.startswith("200")  # the page with the button that uses the link
    assert token not in line
    assert "r=GET /sign-in/[hidden] HTTP/1.1|U=/sign-in/[hidden]|" in line


def test_other_pages_are_logged_as_they_are(app, gunicorn_log):
    status, line = serve(app, gunicorn_log, get("/sign-in/sent?x=1", Referer="/rounds/r1"))
    assert status.startswith("200")
    assert line.startswith("r=GET /sign-in/sent?x=1 HTTP/1.1|U=/sign-in/sent|q=x=1|f=/rounds/r1|")


def test_the_error_log_masks_the_request_gunicorn_failed_on(gunicorn_log):
    # As a worker reports an exception escaping the app: "Error handling request GET <uri>".
    try:
        raise RuntimeError(f"while serving /s/{MADE_UP}")
    except RuntimeError:
        gunicorn_log.exception("Error handling request %s %s", "GET", f"/sign-in/{MADE_UP}")
    written = Path(gunicorn_log.cfg.errorlog).read_text()
    assert MADE_UP not in written
    assert "Error handling request GET /sign-in/[hidden]" in written
    assert "RuntimeError: while serving /s/[hidden]" in written  # the traceback is kept


def test_a_link_page_that_fails_is_logged_masked(app, gunicorn_log, monkeypatch, caplog):
    def database_gone(token: str):
        raise RuntimeError("the database went away")

    # The look-up fails, as when the database is unreachable; the app answers 500 and logs.
    monkeypatch.setattr(survey_session, "rater_for_survey_token", database_gone)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    status, line = serve(app, gunicorn_log, get(f"/s/{MADE_UP}"))
    assert status.startswith("500") and "r=GET /s/[hidden] HTTP/1.1|" in line
    # Flask writes to the worker's error stream (here the error log file), unless a handler
    # (pytest's, here) was already there; either way the record went through the filter.
    logged = caplog.text + Path(gunicorn_log.cfg.errorlog).read_text()
    assert "Exception on /s/[hidden] [GET]" in logged
    assert "RuntimeError: the database went away" in logged
    assert MADE_UP not in logged


def test_a_message_whose_arguments_do_not_fit_is_still_masked(gunicorn_log):
    gunicorn_log.warning("Invalid request %s %s", f"/s/{MADE_UP}")
    written = Path(gunicorn_log.cfg.errorlog).read_text()
    assert MADE_UP not in written and "/s/[hidden]" in written


def test_an_environ_object_is_logged_masked():
    # Printed with str(), as "%(...)s" would: a request object prints its URL.
    request = Request(
        EnvironBuilder(path=f"/s/{MADE_UP}", base_url="http://h.example").get_environ()
    )
    assert (
        masked_atom("{werkzeug.request}e", request)
        == "<Request 'http://h.example/s/[hidden]' [GET]>"
    )
    assert masked_atom("B", 1234) == 1234 and masked_atom("B", None) is None  # numbers kept


def test_a_reload_keeps_one_masking_filter(gunicorn_log):
    # gunicorn runs setup again on SIGHUP (dropping, without closing, its previous files);
    # the filter is not stacked.
    for log in (gunicorn_log.access_log, gunicorn_log.error_log):
        for handler in log.handlers:
            handler.close()
    gunicorn_log.setup(gunicorn_log.cfg)
    filters = [kept for kept in gunicorn_log.error_log.filters if isinstance(kept, MaskTokenLinks)]
    assert len(filters) == 1


@pytest.mark.parametrize(
    ("logged", "masked"),
    [
        (f"/s/{MADE_UP}", "/s/[hidden]"),
        (f"GET /s/{MADE_UP}#part HTTP/1.0", "GET /s/[hidden]#part HTTP/1.0"),
        (f"POST /sign-in/{MADE_UP} HTTP/1.1", "POST /sign-in/[hidden] HTTP/1.1"),
        (
            f"https://feedback.example:8443/s/{MADE_UP}/",
            "https://feedback.example:8443/s/[hidden]/",
        ),
        # Behind a proxy that keeps its prefix in the request line.
        (f"GET /feedback/sign-in/{MADE_UP} HTTP/1.1", "GET /feedback/sign-in/[hidden] HTTP/1.1"),
        # A link inside a query, plain or percent-encoded, and the query after it.
        (f"next=/s/{MADE_UP}&tab=1", "next=/s/[hidden]&tab=1"),
        (
            f"url=https%3A%2F%2Fh.example%2Fs%2F{MADE_UP}",
            "url=https%3A%2F%2Fh.example%2Fs%2F[hidden]",
        ),
        # The sign-in pages that are not links, and a token that only begins like one.
        ("/sign-in/sent", "/sign-in/sent"),
        ("GET /sign-in/password?next=/hr HTTP/1.1", "GET /sign-in/password?next=/hr HTTP/1.1"),
        ("/sign-in/sentXy7", "/sign-in/[hidden]"),
        ("/sign-in", "/sign-in"),
        ("/survey", "/survey"),
        ("/s/", "/s/"),
    ],
)
def test_masking(logged, masked):
    assert mask_token_links(logged) == masked


def test_no_other_route_of_the_app_is_masked(app):
    # A page added under /sign-in/ fails here until it is named in SIGN_IN_PAGES.
    links = {"/s/<token>", "/p/<token>", "/sign-in/<token>"}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda arg: f"sample-{arg.group(1)}", rule.rule)
        expected = re.sub(r"sample-token$", "[hidden]", path) if rule.rule in links else path
        assert mask_token_links(path) == expected, rule.rule


def test_the_docker_image_serves_with_the_masking_logger(monkeypatch, tmp_path):
    # `make run` is run for real (tests/test_make_run.py); the image's command is read by
    # gunicorn's own command-line parser, and its settings module as gunicorn loads it.
    dockerfile = (Path(__file__).resolve().parents[2] / "Dockerfile").read_text()
    (command,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    shell_line = json.loads(command)[-1]
    served = shlex.split(shell_line.split("exec gunicorn", 1)[1])
    arguments = Config().parser().parse_args(served)
    assert arguments.config == "python:service.gunicorn_conf"
    assert arguments.args == ["service.wsgi:app"]
    # Importing the settings module sets the metrics folder in the environment when it is
    # unset: give it one for this test only, so no later test runs in multiprocess mode.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings = importlib.import_module(arguments.config.removeprefix("python:"))
    cfg = Config()
    cfg.set("logger_class", settings.logger_class)
    assert cfg.logger_class is TokenMaskingLogger
    assert settings.accesslog == "-"

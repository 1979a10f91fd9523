"""The emails to raters, read from a real SMTP server, each in the rater's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from service.extensions import db
from service.models import Round
from tests.service.jobs.conftest import launch_round, link_token, text_of

RATERS = [
    {"name": "Marta Ruiz", "email": "marta@example.org", "relationship": "peer", "language": "es"},
    {"name": "Jonas Berg", "email": "jonas@example.org", "relationship": "manager"},
    {"name": "Lea Vogel", "email": "lea@example.org", "relationship": "peer", "language": "de"},
    {"name": "Théo Roux", "email": "theo@example.org", "relationship": "peer", "language": "fr"},
]
# A fixed deadline, so the date each language writes is known: Friday 11 December 2026.
DEADLINE = datetime(2026, 12, 11, 17, 0, tzinfo=UTC)


def launch_with_deadline(api, app, hr, smtp):
    created = api.create_round(
        hr, subject_email="maya@example.org", raters=RATERS, deadline="2026-12-11T17:00:00Z"
    )
    launched = api.call("POST", f"/api/v1/rounds/{created['id']}/launch", hr)
    assert launched.status_code == 200, launched.get_json()
    with app.app_context():
        assert db.session.get(Round, created["id"]).deadline == DEADLINE
    return created["id"]


def plain(message) -> str:
    return " ".join(text_of(message).split())


def test_a_spanish_rater_is_invited_in_spanish(api, app, people, smtp, clock):
    hr, _ = people
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    launch_with_deadline(api, app, hr, smtp)
    [message] = smtp.mailbox.to("marta@example.org")
    assert message["Subject"] == "A Maya Lind le gustaría conocer tu opinión"
    text = plain(message)
    assert "Hola, Marta Ruiz:" in text
    assert "te pide tu opinión como compañero o compañera" in text
    # The date as Spanish writes it, the zone still named.
    assert "Responde, por favor, antes del viernes, 11 de diciembre de 2026, 17:00 UTC." in text
    assert "Tus respuestas son confidenciales" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="es">' in html and "Abrir la encuesta" in html
    # Its link opens the survey in Spanish.
    survey = api.survey(link_token(message))
    assert survey["language"] == "es"
    assert survey["scale"]["labels"][4] == "Totalmente de acuerdo"


def test_each_rater_reads_their_own_language_and_the_rest_the_organisations(
    api, app, people, smtp, clock
):
    hr, _ = people
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    launch_with_deadline(api, app, hr, smtp)
    subjects = {
        address: smtp.mailbox.to(address)[0]["Subject"]
        for address in ("lea@example.org", "theo@example.org", "jonas@example.org")
    }
    assert subjects == {
        "lea@example.org": "Maya Lind bittet Sie um Ihr Feedback",
        "theo@example.org": "Maya Lind aimerait avoir votre avis",
        # No language given and no visit yet: the organisation's default, English.
        "jonas@example.org": "Maya Lind would value your feedback",
    }
    [lea] = smtp.mailbox.to("lea@example.org")
    assert "Bitte antworten Sie bis Freitag, 11. Dezember 2026, 17:00 UTC." in plain(lea)


def test_a_reminder_follows_the_language_the_raters_browser_chose(api, app, people, smtp):
    hr, _ = people
    round_id, tokens = launch_round(api, hr, smtp, raters=RATERS[1:2])
    # Jonas opens his link in a French browser: his language from now on.
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    assert browser.get(f"/s/{tokens['jonas@example.org']}").status_code == 303
    assert '<html lang="fr"' in browser.get("/survey").get_data(as_text=True)
    smtp.mailbox.messages.clear()
    reminded = api.call("POST", f"/api/v1/rounds/{round_id}/remind", hr)
    assert reminded.status_code == 200, reminded.get_json()
    [message] = smtp.mailbox.to("jonas@example.org")
    assert re.match(
        r"Rappel : votre avis sur Maya Lind est attendu avant le \w+ ", message["Subject"]
    )
    assert "Reprendre le questionnaire" in message.get_body(preferencelist=("html",)).get_content()

"""The emails to a person, read from a real SMTP server, each in the person's language: their
own choice, else the organisation's default (the raters' emails: test_rater_email_languages)."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date

from service.extensions import db
from service.services.people import find_person_by_email
from service.services.plan_reminders import queue_plan_reminders
from service.services.settings import update_settings
from service.services.sign_in import email_sign_in_link
from tests.service.jobs.conftest import launch_round, text_of
from tests.service.plan_helpers import focus_entry, plan_path

MAYA = "maya@example.org"
HANA = "hana@example.org"
THREE_RATERS = [
    {"name": "Pat Peer", "email": "pat@example.org", "relationship": "peer"},
    {"name": "Quinn Peer", "email": "quinn@example.org", "relationship": "peer"},
    {"name": "Dana Report", "email": "dana@example.org", "relationship": "direct_report"},
]


def plain(message) -> str:
    return " ".join(text_of(message).split())


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def choose_language(api, token: str, code: str | None) -> None:
    chosen = api.call("PATCH", "/api/v1/me", token, json={"language": code})
    assert chosen.status_code == 200, chosen.get_json()


def closed_round(api, hr, smtp) -> str:
    round_id, _ = launch_round(api, hr, smtp, raters=THREE_RATERS)
    closed = api.call("POST", f"/api/v1/rounds/{round_id}/close", hr)
    assert closed.status_code == 200, closed.get_json()
    return round_id


def test_a_french_person_reads_report_ready_in_french(api, people, smtp):
    hr, maya = people
    choose_language(api, maya, "fr")
    round_id = closed_round(api, hr, smtp)
    [ready] = smtp.mailbox.to(MAYA)[-1:]
    assert ready["Subject"] == "Votre rapport de feedback à 360 degrés est prêt"
    text = plain(ready)
    assert text.startswith("Bonjour Maya, Votre cycle de feedback à 360 degrés est clôturé")
    assert f"http://feedback360.test/rounds/{round_id}" in text
    assert "Your 360" not in text and "Hello" not in text
    html = html_of(ready)
    assert '<html lang="fr">' in html
    assert "Lire votre rapport" in html
    # HR chose nothing and the organisation's default is English: their email stays English.
    [closed] = smtp.mailbox.to(HANA)[-1:]
    assert closed["Subject"] == "Round closed: Maya Lind"
    # Three raters and Maya's own self-assessment, none answered.
    assert "has closed with 0 of 4 responses" in plain(closed)


def test_hr_in_german_reads_round_closed_in_german(api, people, smtp):
    hr, _ = people
    choose_language(api, hr, "de")
    closed_round(api, hr, smtp)
    [closed] = smtp.mailbox.to(HANA)[-1:]
    assert closed["Subject"] == "Runde abgeschlossen: Maya Lind"
    assert "ist mit 0 von 4 Antworten abgeschlossen" in plain(closed)
    assert '<html lang="de">' in html_of(closed)


def test_a_german_check_in_reminder_writes_its_date_in_german(app, api, people, smtp, clock):
    hr, maya = people
    choose_language(api, maya, "de")
    round_id = closed_round(api, hr, smtp)
    saved = api.call("PUT", plan_path(round_id), maya, json={"focus": [focus_entry()]})
    assert saved.status_code == 200, saved.get_json()
    # The default check-in interval is 14 days.
    clock.now = clock.now + timedelta(days=14, minutes=1)
    with app.app_context():
        queue_plan_reminders()
        db.session.remove()
    [reminder] = smtp.mailbox.to(MAYA)[-1:]
    assert reminder["Subject"] == "Zeit für einen Check-in zu Ihrem Entwicklungsplan"
    # focus_entry's goal is due 60 days from today: the last due date, as German writes it
    # ("Montag, 1. Februar 2027"), computed here by Babel from the same day.
    last_due = format_date(date.today() + timedelta(days=60), "full", locale="de")
    assert f"Sie werden alle 14 Tage erinnert, bis {last_due}, dem letzten Termin" in plain(
        reminder
    )


def test_a_sign_in_link_follows_the_organisations_default_until_the_person_chooses(
    app, api, people, smtp
):
    _, maya = people
    with app.app_context():
        update_settings(
            find_person_by_email(HANA).id,
            anonymity_threshold=3,
            subject_sees_report=True,
            reminder_days="3,1",
            default_language="es",
        )
    with app.app_context():
        email_sign_in_link(MAYA)
    [spanish] = smtp.mailbox.to(MAYA)[-1:]
    assert spanish["Subject"] == "Tu enlace para iniciar sesión en feedback360"
    assert plain(spanish).startswith("Hola, Maya: Abre este enlace para iniciar sesión")
    choose_language(api, maya, "de")
    with app.app_context():
        email_sign_in_link(MAYA)
    [german] = smtp.mailbox.to(MAYA)[-1:]
    assert german["Subject"] == "Ihr Anmeldelink für feedback360"

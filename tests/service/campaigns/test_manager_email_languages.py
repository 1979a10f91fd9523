"""A campaign's emails to the people in it and to their managers, each in the recipient's
own language (people.language), read from a real SMTP server."""

from __future__ import annotations

from service.extensions import db
from service.models import Person
from tests.service.campaigns.helpers import Org
from tests.service.jobs.conftest import text_of
from tests.service.web.pages import PersonSession, words

# Friday 11 January 2030, 17:00 UTC: the date each language writes is known.
DATES = {"nomination_deadline": "2030-01-11T17:00:00Z", "deadline": "2030-02-01T17:00:00Z"}


def plain(message) -> str:
    return " ".join(text_of(message).split())


def speaks(app, email: str, language: str | None) -> None:
    with app.app_context():
        person = db.session.scalar(db.select(Person).where(Person.email == email))
        person.language = language
        db.session.commit()


def test_the_manager_is_asked_to_approve_in_german(app, api, smtp):
    org = Org(api)
    speaks(app, "mo@example.org", "de")
    created = org.campaign(subjects=("ann",), **DATES)
    [ann_round] = [r["id"] for r in created["rounds"]]
    org.name_peers(org.ann, ann_round, 2)
    submitted = api.call("POST", f"/api/v1/rounds/{ann_round}/nominations", org.ann)
    assert submitted.status_code == 200, submitted.get_json()
    [message] = smtp.mailbox.to("mo@example.org")
    assert message["Subject"] == "Bitte prüfen Sie die Feedbackgebenden von Ann Able für Spring 360"
    text = plain(message)
    assert "Hallo Mo," in text
    assert "Ann Able hat ausgewählt, wer ihm oder ihr in Spring 360 Feedback gibt." in text
    # The nomination deadline as German writes it.
    assert "Die Listen sind bis Freitag, 11. Januar 2030, 17:00 UTC fällig." in text
    assert f"/team/rounds/{ann_round}" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="de">' in html and "Liste prüfen" in html
    # The pages the email leads to speak German too.
    mo = PersonSession(app, "mo@example.org")
    team = words(mo.html("/team"))
    assert "Listen, die auf Ihre Genehmigung warten" in team
    assert "Feedbackgebende von Ann Able prüfen" in team
    approval = words(mo.html(f"/team/rounds/{ann_round}"))
    assert "Genannt (2): kreuzen Sie an, wen Sie herausnehmen möchten" in approval
    assert "Liste genehmigen" in approval


def test_each_person_is_asked_to_name_raters_in_their_language(app, api, smtp):
    org = Org(api)
    speaks(app, "ann@example.org", "fr")
    speaks(app, "ben@example.org", "es")
    org.campaign(subjects=("ann", "ben", "nia"), **DATES)
    [ann] = smtp.mailbox.to("ann@example.org")
    assert ann["Subject"] == (
        "Choisissez vos évaluateurs pour Spring 360 avant le vendredi 11 janvier 2030, 17:00 UTC"
    )
    # The campaign's rules (at least 2 peers, at most 4 in all) in French, counted.
    assert "Merci d'en nommer au moins 2 pairs, au plus 4 évaluateurs en tout." in plain(ann)
    [ben] = smtp.mailbox.to("ben@example.org")
    assert "Nombra, por favor, al menos 2 compañeros o compañeras" in plain(ben)
    # Nia chose no language: the organisation's default, English, as before.
    [nia] = smtp.mailbox.to("nia@example.org")
    assert nia["Subject"].startswith("Name your raters for Spring 360 by ")
    assert "Please name at least 2 peers, at most 4 raters in all." in plain(nia)

"""A round's page in the signed-in person's language (people.language): HR's email delivery
words and the refusals of the self-assessment button."""

from __future__ import annotations

from service.extensions import db
from service.models import Person
from tests.service.web.conftest import HANA, MAYA
from tests.service.web.pages import words


def speaks(app, email: str, language: str) -> None:
    with app.app_context():
        person = db.session.query(Person).filter_by(email=email).one()
        person.language = language
        db.session.commit()


def test_hr_reads_the_email_delivery_in_german(app, api, people, person_session):
    created = api.create_round(people[MAYA][1])
    api.launch(people[MAYA][1], created["id"])
    speaks(app, HANA, "de")
    text = words(person_session(HANA).html(f"/rounds/{created['id']}"))
    # The outbox took every invitation: each rater's last email was sent ("gesendet").
    assert "E-Mail-Zustellung" in text
    assert "Pat Peer pat@example.org Kollegin oder Kollege gesendet" in text
    assert " sent" not in text


def test_a_draft_rounds_self_assessment_is_refused_in_spanish(app, api, people, person_session):
    draft = api.create_round(people[MAYA][1])
    speaks(app, MAYA, "es")
    maya = person_session(MAYA)
    refused = maya.post(f"/rounds/{draft['id']}/self-assessment")
    assert refused.status_code == 409
    text = words(refused.get_data(as_text=True))
    assert "La ronda aún no se ha lanzado; tu autoevaluación se abrirá con ella" in text

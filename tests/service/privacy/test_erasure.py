"""Erasing a person: afterwards no table holds their name or email, the rounds they rated keep
their results, the audit log says a person was erased and stays append-only otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from service.extensions import db
from service.models import AuditEvent, Person, Rater, Round
from service.models.audit import ERASED
from service.services import audit
from service.services.people import find_person_by_email, issue_api_token
from tests.conftest import outbox_folder

PIA = ("Pia Peer", "pia@example.org")  # one of Maya's peers in the scored round
MAYA = ("Maya Lind", "maya@example.org")


def database_dump(app) -> str:
    """Everything the database holds, as text: SQLite's own dump (iterdump), or every row of
    every table on PostgreSQL."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                return "\n".join(raw.driver_connection.iterdump())
            finally:
                raw.close()
        lines = []
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                # The names come from the database's own catalogue.
                rows = connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
                lines += [f"{table}: {tuple(row)!r}" for row in rows]
        return "\n".join(lines)


def mentions(app, *words: str) -> list[str]:
    """Every word the database or the outbox folder still holds (any case)."""
    dump = database_dump(app).lower()
    emails = " ".join(path.read_text(errors="replace") for path in outbox_folder(app).glob("*"))
    return [word for word in words if word.lower() in dump or word.lower() in emails.lower()]


def person_id(app, email: str) -> str:
    with app.app_context():
        return find_person_by_email(email).id


def erase(api, token: str, email: str):
    return api.call("DELETE", f"/api/v1/people/{person_id(api.app, email)}", token)


@pytest.fixture
def pia_everywhere(app, api, scored_round):
    """Maya's scored round (Pia rated it), and Pia in every other place a person can be: added
    by HR (an audit entry and a welcome email with her name), a round about herself, a
    direct report, a note about her by Maya, her own note, Maya's plan naming her as support."""
    hr, maya, round_id = scored_round
    added = api.call("POST", "/api/v1/people", hr, json={"name": PIA[0], "email": PIA[1]})
    assert added.status_code == 201, added.get_json()
    api.person("member", name="Lou Report", email="lou@example.org")
    with app.app_context():
        find_person_by_email("lou@example.org").manager_id = added.get_json()["id"]
        db.session.commit()
        pia = issue_api_token(added.get_json()["id"])
    own = api.create_round(pia)
    api.launch(pia, own["id"])
    assert api.call("POST", "/api/v1/notes", pia, json={"about": "Kim", "text": "x"}).status_code
    about_pia = {"about": PIA[0], "text": "Asked Pia for the Q3 numbers"}
    assert api.call("POST", "/api/v1/notes", maya, json=about_pia).status_code == 201
    return hr, maya, pia, round_id, own["id"]


def test_after_an_erasure_no_table_holds_their_name_or_email(app, api, pia_everywhere):
    hr, _, _, mayas_round, pias_round = pia_everywhere
    results_before = api.call("GET", f"/api/v1/rounds/{mayas_round}/results", hr).get_json()
    round_before = api.call("GET", f"/api/v1/rounds/{mayas_round}", hr).get_json()
    assert mentions(app, *PIA) == list(PIA)  # the test looks where she is

    erased = erase(api, hr, PIA[1])

    assert erased.status_code == 204, erased.get_json()
    assert mentions(app, *PIA) == []
    # The round she rated keeps its results and its counts; her entry keeps its relationship
    # and status under a placeholder that receives no mail.
    assert api.call("GET", f"/api/v1/rounds/{mayas_round}/results", hr).get_json() == results_before
    round_after = api.call("GET", f"/api/v1/rounds/{mayas_round}", hr).get_json()
    assert round_after["responses"] == round_before["responses"]
    [entry] = [r for r in round_after["raters"] if r["name"] == "erased"]
    assert entry["relationship"] == "peer" and entry["email"].endswith("@invalid")
    with app.app_context():
        assert db.session.get(Round, pias_round) is None
        assert find_person_by_email("lou@example.org").manager_id is None
        erasures = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person_erased")
        ).all()
        blanked = db.session.scalars(
            select(AuditEvent).where(AuditEvent.actor_label == ERASED)
        ).all()
    [entry] = erasures
    assert entry.detail == "a person was erased" and entry.actor_label.startswith("Hr ")
    assert entry.data["rounds_deleted"] == 1 and entry.data["rater_entries_anonymised"] == 1
    # Her own doings (she launched her round) stay in the log, as done by an erased person.
    assert {event.action for event in blanked} >= {"round_launched"}

    # Then Maya, whom the rated round is about: it goes, with its raters and its report.
    reports = list((Path(app.config["INSTANCE_PATH"]) / "reports").glob(f"{mayas_round}-*"))
    assert reports, "the close stored the report"
    assert erase(api, hr, MAYA[1]).status_code == 204
    assert mentions(app, *MAYA, *PIA) == []
    assert [path for path in reports if path.exists()] == []
    with app.app_context():
        assert db.session.scalar(select(Rater).where(Rater.round_id == mayas_round)) is None
    assert api.call("GET", f"/api/v1/rounds/{mayas_round}", hr).status_code == 404


def test_the_last_hr_person_cannot_be_erased(app, api):
    hana_id, hana = api.person("hr", name="Hana Reyes", email="hana@example.org")
    refused = api.call("DELETE", f"/api/v1/people/{hana_id}", hana)
    assert refused.status_code == 422
    assert "only HR person" in refused.get_json()["message"]
    # With a second HR person, she may go (her own account, by herself).
    api.person("hr", name="Ida Second", email="ida@example.org")
    assert api.call("DELETE", f"/api/v1/people/{hana_id}", hana).status_code == 204
    assert mentions(app, "Hana Reyes", "hana@example.org") == []
    assert api.call("DELETE", "/api/v1/people/no-such-person", hana).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE audit_events SET action = 'round_closed'",
        "UPDATE audit_events SET at = at",  # unchanged fields pass; with a change below
        "UPDATE audit_events SET actor_id = NULL, action = 'signed_out'",
        "UPDATE audit_events SET actor_label = 'someone else'",
        "UPDATE audit_events SET detail = 'rewritten'",
        "DELETE FROM audit_events",
    ],
)
def test_the_audit_log_refuses_every_other_change(app, api, change):
    hr_id, _ = api.person("hr")
    with app.app_context():
        audit.record("signed_in", db.session.get(Person, hr_id))
        db.session.commit()
        if change.endswith("at = at"):
            with db.engine.begin() as connection:
                connection.execute(text(change))  # changes nothing: let through
            return
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(change))


def test_a_near_miss_in_the_audit_log_is_left_alone(app, api):
    """LIKE reads "_" as any character: the entry about annxu@ matches ann_u@'s pattern in
    SQL, and must come out of the erasure unchanged."""
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    for name, email in (("Ann Under", "ann_u@example.org"), ("Axel Near", "annxu@example.org")):
        added = api.call("POST", "/api/v1/people", hr, json={"name": name, "email": email})
        assert added.status_code == 201, added.get_json()
    assert erase(api, hr, "ann_u@example.org").status_code == 204
    with app.app_context():
        details = set(db.session.scalars(select(AuditEvent.detail)))
    assert "Axel Near <annxu@example.org> (member)" in details
    assert mentions(app, "ann_u@example.org", "Ann Under") == []

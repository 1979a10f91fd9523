"""Races and storage: one response per rater under concurrency, no token stored in plain text."""

from __future__ import annotations

import threading

from sqlalchemy import func, inspect, select

from service.extensions import db
from service.models import Rater, Response, ResponseAnswer
from surveys.instrument import load_instrument

ALL_ITEMS = load_instrument("soft-skills", "1").item_ids


def test_twenty_concurrent_submits_store_exactly_one_response(app, api):
    _, owner = api.person("member", name="Maya Lind")
    created = api.create_round(owner)
    survey_token = api.launch(owner, created["id"])["pat@example.org"]
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def submit(score: int) -> None:
        client = app.test_client()  # one client per thread, like separate browsers
        barrier.wait()
        response = client.post(
            "/api/v1/survey/submit",
            json={"answers": dict.fromkeys(ALL_ITEMS, score % 5 + 1)},
            headers={"Authorization": f"Bearer {survey_token}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 19
    with app.app_context():
        rater = db.session.scalar(select(Rater).where(Rater.email == "pat@example.org"))
        assert rater.response_status == "submitted"
        # Pat alone answers this round: its one response is theirs.
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        scores = db.session.scalars(select(ResponseAnswer.score))
        # Exactly one submission's answers: all items, one and the same score.
        scores = list(scores)
        assert len(scores) == len(ALL_ITEMS)
        assert len(set(scores)) == 1


def dump_database(app) -> str:
    """Every row of every table, as text."""
    lines = []
    with app.app_context(), db.engine.connect() as connection:
        for table_name in inspect(connection).get_table_names():
            table = db.metadata.tables.get(table_name)
            if table is None:
                continue
            lines += [repr(tuple(row)) for row in connection.execute(table.select())]
    return "\n".join(lines)


def test_no_token_is_stored_in_plain_text(app, api):
    _, hr_token = api.person("hr")
    _, owner = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(hr_token, subject_email="maya@example.org")
    survey_tokens = api.launch(hr_token, created["id"])
    rater_id = next(r["id"] for r in created["raters"] if r["email"] == "pat@example.org")
    api.call("POST", f"/api/v1/rounds/{created['id']}/raters/{rater_id}/resend", owner)
    resent = api.emailed_token("pat@example.org")
    assert resent != survey_tokens["pat@example.org"]

    dump = dump_database(app)
    assert "pat@example.org" in dump  # the dump really holds the rows
    for token in [hr_token, owner, resent, *survey_tokens.values()]:
        assert token not in dump
        assert token[5:] not in dump  # not even without the API token's prefix

"""The feedback360 command: create-user and demo."""

from __future__ import annotations

from sqlalchemy import func, select

from service.extensions import db
from service.models import Rater, Response, ResponseAnswer, Round
from service.services.demo import CLOSED_ROUND_RATERS


def test_create_user_prints_a_working_token_on_its_last_line(runner, client):
    result = runner.invoke(
        args=["create-user", "--email", "Ada@Example.org", "--name", "Ada Hale", "--role", "hr"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "ada@example.org" in lines[0]
    token = lines[-1]
    assert token.startswith("f360_") and len(token) >= 48
    response = client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_user_refuses_a_duplicate_email_and_a_bad_role(runner):
    args = ["create-user", "--email", "bo@example.org", "--name", "Bo"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad_role = runner.invoke(args=[*args[:3], "x@example.org", "--name", "X", "--role", "boss"])
    assert bad_role.exit_code == 2
    assert "boss" in bad_role.output


def test_demo_builds_a_closed_and_an_open_round_once(app, runner, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output

    with app.app_context():
        statuses = sorted(db.session.scalars(select(Round.status)))
        assert statuses == ["closed", "open"]  # a second run adds no rounds
        closed = db.session.scalar(select(Round).where(Round.status == "closed"))
        submitted = [r for r in closed.raters if r.response_status == "submitted"]
        assert sorted(r.relationship for r in submitted if r.relationship != "self") == sorted(
            relationship for _, relationship in CLOSED_ROUND_RATERS
        )
        assert any(r.relationship == "self" for r in submitted)
        scores = list(
            db.session.scalars(
                select(ResponseAnswer.score).join(Response).where(Response.round_id == closed.id)
            )
        )
        assert None in scores  # some "don't know"s
        assert len(set(scores) - {None}) >= 4  # varied, not one score repeated
        open_round = db.session.scalar(select(Round).where(Round.status == "open"))
        counts = db.session.execute(
            select(Rater.response_status, func.count())
            .where(Rater.round_id == open_round.id)
            .group_by(Rater.response_status)
        ).all()
        assert dict(counts)["submitted"] == 2 and dict(counts)["draft"] == 1

    # Each run prints a fresh HR token and survey link; both work, the older link does not.
    def printed(output, label):
        line = next(line for line in output.splitlines() if label in line)
        return line.rsplit(" ", 1)[1]

    hr_token = printed(second.output, "HR API token:")
    # Every printed link names the address served (BASE_URL, which `make run` sets).
    assert "http://127.0.0.1:5000" not in second.output
    assert "http://feedback360.test/api/v1/rounds" in second.output
    assert (
        client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {hr_token}"}).status_code
        == 200
    )
    old_link = printed(first.output, "Survey link")
    new_link = printed(second.output, "Survey link")
    for link, status in ((old_link, 401), (new_link, 200)):
        token = link.rsplit("/s/", 1)[1]
        response = client.get("/api/v1/survey", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status

    # The printed password and sign-in links work: the old password no longer does.
    from service.services.sign_in import check_password, person_for_sign_in_link

    with app.app_context():
        assert (
            check_password("hana.reyes@example.com", printed(first.output, "HR password:")) is None
        )
        hr = check_password("hana.reyes@example.com", printed(second.output, "HR password:"))
        assert hr is not None and hr.is_hr
        member_link = printed(second.output, "Sign in as Maya Lind")
        member = person_for_sign_in_link(member_link.rsplit("/sign-in/", 1)[1])
        assert member.name == "Maya Lind" and member.manager.name == "Jonas Weber"


def test_set_password_for_hr_only(app, runner):
    runner.invoke(
        args=["create-user", "--email", "hr@example.org", "--name", "H R", "--role", "hr"]
    )
    runner.invoke(args=["create-user", "--email", "m@example.org", "--name", "M M"])
    done = runner.invoke(args=["set-password", "hr@example.org"], input="long enough pass\n" * 2)
    assert done.exit_code == 0, done.output
    from service.services.sign_in import check_password

    with app.app_context():
        assert check_password("hr@example.org", "long enough pass") is not None
    short = runner.invoke(args=["set-password", "hr@example.org", "--password", "short"])
    assert short.exit_code == 1 and "at least 12" in short.output
    member = runner.invoke(args=["set-password", "m@example.org", "--password", "x" * 12])
    assert member.exit_code == 1 and "only HR" in member.output
    nobody = runner.invoke(args=["set-password", "no@example.org", "--password", "x" * 12])
    assert nobody.exit_code == 1 and "no person" in nobody.output

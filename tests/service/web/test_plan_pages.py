"""The plan page and the notes page, as a browser uses them: the same rules as the API."""

from __future__ import annotations

from tests.service.plan_helpers import day, make_manager, plan_path
from tests.service.web.pages import PersonSession, words

MAYA = "maya@example.org"


def plan_form(**overrides) -> dict:
    """The plan page's form with Empathy ticked and filled in, as a browser sends it."""
    form = {
        "focus-empathy": "on",
        "goal-empathy": "Hear people out before I answer",
        "measure-empathy": "Two colleagues tell me they feel heard",
        "due-empathy": day(60),
        "exercises-empathy": "em_understand_first",
        "support_name-empathy": "Lou Mentor",
        "support_email-empathy": "lou@example.org",
        "checkin_every_days": "14",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def test_the_round_page_leads_to_the_plan_and_the_suggestion_is_ticked(app, scored_round):
    _, _, round_id = scored_round
    maya = PersonSession(app, MAYA)
    round_page = maya.html(f"/rounds/{round_id}")
    assert f'href="/rounds/{round_id}/plan"' in round_page
    assert "Make your plan" in words(round_page)
    page = maya.html(f"/rounds/{round_id}/plan")
    for skill in ("emotional_intelligence", "adaptability", "creative_problem_solving"):
        assert f'id="focus-{skill}" name="focus-{skill}" checked' in page
    assert 'id="focus-empathy" name="focus-empathy">' in page  # offered, not ticked
    assert "you rated yourself clearly higher than others did" in words(page)


def test_the_person_saves_a_plan_checks_in_and_pauses_reminders(app, api, scored_round):
    _, maya_token, round_id = scored_round
    maya = PersonSession(app, MAYA)
    saved = maya.post(f"/rounds/{round_id}/plan", plan_form())
    assert saved.status_code == 303
    plan = api.call("GET", plan_path(round_id), maya_token).get_json()
    assert [entry["skill"] for entry in plan["focus"]] == ["empathy"]
    assert plan["focus"][0]["support"] == {"name": "Lou Mentor", "email": "lou@example.org"}
    page = maya.html(f"/rounds/{round_id}/plan")
    assert 'id="focus-empathy" name="focus-empathy" checked' in page
    assert 'id="check-in"' in page

    first = maya.post(f"/rounds/{round_id}/plan/checkins", {"text": "Tried it at standup"})
    assert first.status_code == 303
    second = {"text": "Summed up first", "exercise": "em_understand_first", "progress": "30"}
    assert maya.post(f"/rounds/{round_id}/plan/checkins", second).status_code == 303
    text = words(maya.html(f"/rounds/{round_id}/plan"))
    assert text.index("Summed up first") < text.index("Tried it at standup")
    assert "progress 30 of 100" in text

    paused = maya.post(f"/rounds/{round_id}/plan/reminders", {"action": "pause"})
    assert paused.status_code == 303
    assert api.call("GET", plan_path(round_id), maya_token).get_json()["reminders_paused"]
    assert "Resume reminders" in maya.html(f"/rounds/{round_id}/plan")
    maya.post(f"/rounds/{round_id}/plan/reminders", {"action": "resume"})
    assert not api.call("GET", plan_path(round_id), maya_token).get_json()["reminders_paused"]


def test_a_refused_plan_comes_back_with_each_problem_beside_its_field(app, api, scored_round):
    _, maya_token, round_id = scored_round
    maya = PersonSession(app, MAYA)
    form = plan_form(
        **{
            "due-empathy": day(-2),
            "exercises-empathy": "ld_tell_the_why",
            "support_email-empathy": "nope",
            "goal-empathy": "Kept as typed",
        }
    )
    refused = maya.post(f"/rounds/{round_id}/plan", form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    text = words(page)
    assert "Your plan was not saved" in text
    assert "Empathy and compassion, due date: must be in the future" in text
    assert "Empathy and compassion, exercises: not an exercise of" in text
    assert "Empathy and compassion, support's email: is not a valid email" in text
    assert 'href="#due-empathy"' in page and 'aria-describedby="due-empathy-error"' in page
    assert "Kept as typed" in page
    nothing = maya.post(f"/rounds/{round_id}/plan", {"checkin_every_days": "14"})
    assert nothing.status_code == 422
    assert "Focus skills: choose 1 to 3" in words(nothing.get_data(as_text=True))
    assert api.call("GET", plan_path(round_id), maya_token).get_json()["status"] == "suggested"


def test_a_bad_check_in_is_refused_on_the_page(app, api, scored_round):
    _, maya_token, round_id = scored_round
    maya = PersonSession(app, MAYA)
    assert maya.post(f"/rounds/{round_id}/plan", plan_form()).status_code == 303
    for form, problem in (
        ({"text": "ok", "progress": "lots"}, "Progress: must be a whole number from 0 to 100"),
        ({"text": "ok", "progress": "101"}, "Progress: must be a whole number from 0 to 100"),
        ({"text": "   "}, "What happened: must not be empty"),
        ({"text": "x" * 5001}, "What happened: must be at most 5,000 characters"),
    ):
        refused = maya.post(f"/rounds/{round_id}/plan/checkins", form)
        assert refused.status_code == 422
        assert problem in words(refused.get_data(as_text=True))
    assert api.call("GET", plan_path(round_id), maya_token).get_json()["checkins"] == []


def test_who_sees_the_plan_page(app, api, scored_round):
    _, maya_token, round_id = scored_round
    maya = PersonSession(app, MAYA)
    assert maya.post(f"/rounds/{round_id}/plan", plan_form()).status_code == 303
    make_manager(api, app, MAYA, name="Mo Boss")
    api.person("member", name="Omar Diaz", email="omar@example.org")
    api.person("hr", name="Hana Reyes", email="hana@example.org")
    boss = PersonSession(app, next(iter(_emails_named(app, "Mo Boss"))))
    omar, hana = PersonSession(app, "omar@example.org"), PersonSession(app, "hana@example.org")
    path = f"/rounds/{round_id}/plan"
    assert boss.get(path).status_code == 404
    assert omar.get(path).status_code == 404
    hr_page = hana.html(path)
    assert "Saved" in words(hr_page) and "Hear people out" not in hr_page
    assert "Lou Mentor" not in hr_page

    api.call("PATCH", plan_path(round_id), maya_token, json={"shared_with_manager": True})
    boss_page = boss.html(path)
    assert "Hear people out" in boss_page and "Save my plan" not in boss_page
    assert f'href="{path}"' in boss.html("/plans/shared")
    assert boss.post(f"{path}/comments", {"text": "Happy to pair on this"}).status_code == 303
    assert "Happy to pair on this" in maya.html(path)
    # Read-only for the manager, nothing for Omar or HR.
    assert boss.post(path, plan_form()).status_code == 403
    assert boss.post(f"{path}/checkins", {"text": "x"}).status_code == 403
    assert omar.post(f"{path}/comments", {"text": "Hi"}).status_code == 404
    assert hana.post(f"{path}/comments", {"text": "Hi"}).status_code == 403
    assert omar.get("/plans/shared").status_code == 200
    assert path not in omar.html("/plans/shared")


def _emails_named(app, name: str) -> list[str]:
    from sqlalchemy import select

    from service.extensions import db
    from service.models import Person

    with app.app_context():
        emails = list(db.session.scalars(select(Person.email).where(Person.name == name)))
        db.session.remove()
    return emails


def test_a_form_with_nul_is_refused(app, scored_round):
    _, _, round_id = scored_round
    maya = PersonSession(app, MAYA)
    refused = maya.post(f"/rounds/{round_id}/plan/checkins", {"text": "a\x00b"})
    assert refused.status_code == 400
    assert maya.post("/notes", {"about": "Kim", "text": "a\x00b"}).status_code == 400


def test_notes_are_added_edited_and_deleted_by_their_author_only(app, api):
    api.person("member", name="Maya Lind", email=MAYA)
    api.person("member", name="Omar Diaz", email="omar@example.org")
    api.person("hr", name="Hana Reyes", email="hana@example.org")
    maya = PersonSession(app, MAYA)
    assert 'href="/notes"' in maya.html("/rounds")
    added = maya.post(
        "/notes", {"about": "Kim Lee", "text": "Promised the article", "follow_up_on": day(3)}
    )
    assert added.status_code == 303
    notes = api.call("GET", "/api/v1/notes", _token(api, app, MAYA)).get_json()["notes"]
    note_id = notes[0]["id"]
    assert "Promised the article" in maya.html("/notes")
    assert 'value="Kim Lee"' in maya.html(f"/notes/{note_id}/edit")
    edited = maya.post(
        f"/notes/{note_id}", {"about": "Kim Lee", "text": "Sent it", "follow_up_on": ""}
    )
    assert edited.status_code == 303
    page = maya.html("/notes")
    assert "Sent it" in page and "Follow up on" not in page
    for email in ("omar@example.org", "hana@example.org"):
        other = PersonSession(app, email)
        assert "Sent it" not in other.html("/notes")
        assert other.get(f"/notes/{note_id}/edit").status_code == 404
        assert other.post(f"/notes/{note_id}", {"about": "x", "text": "y"}).status_code == 404
        assert other.post(f"/notes/{note_id}/delete").status_code == 404
    assert maya.post(f"/notes/{note_id}/delete").status_code == 303
    assert "Sent it" not in maya.html("/notes")


def test_a_bad_note_comes_back_with_its_problems(app, api):
    api.person("member", name="Maya Lind", email=MAYA)
    maya = PersonSession(app, MAYA)
    refused = maya.post("/notes", {"about": "", "text": "Kept as typed", "follow_up_on": "soon"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Follow-up day: enter a date" in words(page)
    assert "Kept as typed" in page
    past = maya.post("/notes", {"about": "Kim", "text": "x", "follow_up_on": day(-1)})
    assert past.status_code == 422
    assert "Follow-up day: must be today or later" in words(past.get_data(as_text=True))
    empty = maya.post("/notes", {"about": "", "text": "x"})
    assert "Who: must not be empty" in words(empty.get_data(as_text=True))
    assert "No notes yet" in maya.html("/notes")


def _token(api, app, email: str) -> str:
    from service.extensions import db
    from service.services.people import find_person_by_email, issue_api_token

    with app.app_context():
        token = issue_api_token(find_person_by_email(email).id)
        db.session.commit()
        db.session.remove()
    return token

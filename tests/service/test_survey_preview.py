"""The survey preview comes from the survey service, which builds every rater's questionnaire."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import Rater
from service.services.errors import NotFound
from service.services.survey import survey_for_rater, survey_preview


@pytest.fixture
def round_about_maya(api):
    hr_id, hr_token = api.person("hr")
    maya_id, _ = api.person("member", name="Maya Lind", email="maya@example.org")
    other_id, _ = api.person("member")
    created = api.create_round(hr_token, subject_email="maya@example.org")
    api.launch(hr_token, created["id"])  # a rater's questionnaire is shown once it is open
    return {"hr": hr_id, "maya": maya_id, "other": other_id, "round": created["id"]}


def test_the_preview_is_a_peers_questionnaire(app, round_about_maya):
    with app.app_context():
        preview = survey_preview(round_about_maya["maya"], round_about_maya["round"])
        peer = db.session.scalars(select(Rater).where(Rater.relationship == "peer")).first()
        asked = survey_for_rater(peer)
    # Exactly what a peer is asked, worded with the subject's first name, and its scale.
    shared = ("subject", "relationship", "deadline", "anonymity_threshold")
    for key in (*shared, "skills", "questions", "scale"):
        assert preview[key] == asked[key], key
    assert preview["relationship"] == "peer"
    assert "Maya" in preview["skills"][0]["items"][0]["text"]
    assert len(preview["scale"]["labels"]) == 5
    # Nothing a rater answered or could answer with.
    assert "draft" not in preview and "response_status" not in preview


def test_hr_may_preview_and_another_member_learns_nothing(app, round_about_maya):
    with app.app_context():
        assert survey_preview(round_about_maya["hr"], round_about_maya["round"])["skills"]
        with pytest.raises(NotFound):
            survey_preview(round_about_maya["other"], round_about_maya["round"])
        with pytest.raises(NotFound):
            survey_preview(round_about_maya["maya"], "no-such-round")

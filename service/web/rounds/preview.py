"""The survey as a rater of the round will see it, worded with the subject's name."""

from __future__ import annotations

from collections.abc import Mapping

from service.services.survey import survey_preview
from service.web.auth import signed_in_person


def preview_survey(round_: Mapping) -> tuple[dict, Mapping]:
    """The survey service's preview of get_round's round, for the signed-in person, and
    its scale (what scale_choices reads)."""
    survey = survey_preview(signed_in_person().id, round_["id"])
    return survey, survey["scale"]

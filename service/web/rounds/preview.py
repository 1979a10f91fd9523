"""The survey as a rater of the round will see it, worded with the subject's name."""

from __future__ import annotations

from collections.abc import Mapping

from surveys.instrument import Instrument, load_instrument
from surveys.questionnaire import questionnaire_for

# Every rater but the subject reads the observer wording; a peer's page stands for them all.
PREVIEW_RELATIONSHIP = "peer"


def preview_survey(round_: Mapping) -> tuple[dict, Instrument]:
    """A survey shaped like the rater's (survey/_privacy.html reads it) from get_round's
    description, and the pinned instrument (its scale labels)."""
    instrument = load_instrument(round_["instrument"]["id"], round_["instrument"]["version"])
    subject = round_["subject"]
    survey = {
        "subject": {"name": subject.name},
        "relationship": PREVIEW_RELATIONSHIP,
        "deadline": round_["deadline"],
        "anonymity_threshold": round_["anonymity_threshold"],
        **questionnaire_for(instrument, PREVIEW_RELATIONSHIP, subject.first_name),
    }
    return survey, instrument

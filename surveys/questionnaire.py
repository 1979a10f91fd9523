"""The pure rules of a questionnaire: what a rater is asked and what a valid answer is."""

from __future__ import annotations

from collections.abc import Mapping

MAX_COMMENT_LENGTH = 5000
SCORE_MESSAGE = 'must be a whole number from 1 to 5, or null for "don\'t know / not observed"'
MISSING_MESSAGE = 'not answered: give a score from 1 to 5, or null for "don\'t know"'


def questionnaire_for(
    instrument, relationship: str, first_name: str, language: str | None = None
) -> dict:
    """The questionnaire worded for one rater: "I …" for self, the subject's name for others.

    In `language` when given (one of instrument.languages), else in the instrument's own;
    the ids are the same in every language, so answers pool whatever language was read.
    """
    if language is not None:
        instrument = instrument.in_language(language)
    return {
        "skills": [
            {
                "id": skill.id,
                "name": skill.name,
                "description": skill.description,
                "items": [
                    {"id": item.id, "text": item.text_for(relationship, first_name)}
                    for item in skill.items
                ],
            }
            for skill in instrument.skills
        ],
        "questions": [
            {"id": question.id, "text": question.text_for(relationship, first_name)}
            for question in instrument.questions
        ],
    }


def is_valid_score(value: object) -> bool:
    # bool is an int in Python, but true/false is not a score.
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5
    )


def missing_items(instrument, answers: Mapping[str, object]) -> list[str]:
    """Item ids without an answer (a score or an explicit null), in instrument order."""
    return [item_id for item_id in instrument.item_ids if item_id not in answers]


def validate_response(
    instrument, answers: Mapping[str, object], comments: Mapping[str, object], *, complete: bool
) -> dict[str, dict[str, list[str]]]:
    """Errors by field ({"answers": {"ei_1": [...]}, "comments": {...}}); empty when valid.

    A draft may leave items out; a submission (complete=True) must answer every item.
    """
    known_items = set(instrument.item_ids)
    known_keys = set(instrument.comment_keys)
    answer_errors: dict[str, list[str]] = {}
    for item_id, value in answers.items():
        if item_id not in known_items:
            answer_errors[item_id] = ["unknown item for this questionnaire"]
        elif not is_valid_score(value):
            answer_errors[item_id] = [SCORE_MESSAGE]
    if complete:
        for item_id in missing_items(instrument, answers):
            answer_errors[item_id] = [MISSING_MESSAGE]
    comment_errors: dict[str, list[str]] = {}
    for key, text in comments.items():
        if key not in known_keys:
            comment_errors[key] = ["unknown skill or question for this questionnaire"]
        elif not isinstance(text, str):
            comment_errors[key] = ["must be text"]
        elif "\x00" in text:
            comment_errors[key] = ["must not contain NUL characters"]
        elif len(text) > MAX_COMMENT_LENGTH:
            comment_errors[key] = [
                f"is {len(text):,} characters long; the limit is {MAX_COMMENT_LENGTH:,}"
            ]
    errors = {}
    if answer_errors:
        errors["answers"] = answer_errors
    if comment_errors:
        errors["comments"] = comment_errors
    return errors


def clean_comments(comments: Mapping[str, str]) -> dict[str, str]:
    """Drop blank comments; keep the rest word for word."""
    return {key: text for key, text in comments.items() if text.strip()}

"""Use cases of a rater: read the questionnaire, save a draft, submit or decline."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext, lazy_gettext
from sqlalchemy import bindparam, delete, insert, select, text, update

from service.extensions import db
from service.models import DraftAnswer, DraftComment, Rater, Round
from service.services.access import load_actor, load_round_for
from service.services.clock import now
from service.services.errors import Conflict, Invalid
from service.services.responses import record_decline_reason, record_response
from service.services.survey_links import accepts_answers
from surveys.questionnaire import (
    MAX_COMMENT_LENGTH,
    MISSING_MESSAGE,
    SCORE_MESSAGE,
    clean_comments,
    questionnaire_for,
    validate_response,
)

MAX_DECLINE_REASON = 1000
OPEN_STATUSES = ("pending", "draft")

# A draft is written with Core statements built once, on the tables rather than the
# mapped classes: the ORM's bulk paths and building each statement anew took more of a
# submission's CPU time than the database's work on it.
_rounds, _raters = Round.__table__, Rater.__table__
_answers, _comments = DraftAnswer.__table__, DraftComment.__table__
# Fresh columns, not the Round already in the session: its status may predate a close, and
# its release count a release.
_ROUND_STATE_FOR_SHARE = (
    select(_rounds.c.status, _rounds.c.deadline, _rounds.c.releases)
    .where(_rounds.c.id == bindparam("round_id"))
    .with_for_update(read=True)
)
_CLAIM = update(_raters).where(
    _raters.c.id == bindparam("claimed_rater"), _raters.c.response_status.in_(OPEN_STATUSES)
)
_RESPONSE_STATUS = select(_raters.c.response_status).where(_raters.c.id == bindparam("rater_id"))
_DELETE_ANSWERS = delete(_answers).where(_answers.c.rater_id == bindparam("rater_id"))
_DELETE_COMMENTS = delete(_comments).where(_comments.c.rater_id == bindparam("rater_id"))
_INSERT_ANSWERS, _INSERT_COMMENTS = insert(_answers), insert(_comments)
# On PostgreSQL a draft's answers and comments go in one round trip.
_PG_DELETE_DRAFT = text(
    "WITH answers AS (DELETE FROM draft_answers WHERE rater_id = :rater_id) "
    "DELETE FROM draft_comments WHERE rater_id = :rater_id"
)
# PostgreSQL replaces a draft in one statement of fixed text (prepared once by the
# driver) instead of two DELETEs and 44 INSERTs: it deletes the rows the new draft no
# longer has and upserts the rest, so no row is touched twice. It runs after the claim has
# locked the rater's row, so it sees any draft a concurrent save committed meanwhile.
_PG_REPLACE_DRAFT = text(
    "WITH stale_answers AS ("
    "DELETE FROM draft_answers WHERE rater_id = :rater_id "
    "AND NOT item_id = ANY(CAST(:item_ids AS VARCHAR[]))"
    "), stale_comments AS ("
    "DELETE FROM draft_comments WHERE rater_id = :rater_id "
    "AND NOT key = ANY(CAST(:keys AS VARCHAR[]))"
    "), scored AS ("
    "INSERT INTO draft_answers (rater_id, item_id, score) "
    "SELECT :rater_id, a.item_id, a.score "
    "FROM unnest(CAST(:item_ids AS VARCHAR[]), CAST(:scores AS SMALLINT[])) AS a(item_id, score) "
    "ON CONFLICT (rater_id, item_id) DO UPDATE SET score = excluded.score"
    ") INSERT INTO draft_comments (rater_id, key, text) "
    "SELECT :rater_id, c.comment_key, c.comment_text "
    "FROM unnest(CAST(:keys AS VARCHAR[]), CAST(:texts AS TEXT[])) AS c(comment_key, comment_text) "
    "ON CONFLICT (rater_id, key) DO UPDATE SET text = excluded.text"
)


# The questionnaire's messages (surveys/questionnaire.py) in the rater's language: the same
# English words, marked here for the catalogs.
_FIELD_MESSAGES = {
    SCORE_MESSAGE: lazy_gettext(
        'must be a whole number from 1 to 5, or null for "don\'t know / not observed"'
    ),
    MISSING_MESSAGE: lazy_gettext(
        'not answered: give a score from 1 to 5, or null for "don\'t know"'
    ),
    "unknown item for this questionnaire": lazy_gettext("unknown item for this questionnaire"),
    "unknown skill or question for this questionnaire": lazy_gettext(
        "unknown skill or question for this questionnaire"
    ),
    "must be text": lazy_gettext("must be text"),
    "must not contain NUL characters": lazy_gettext("must not contain NUL characters"),
}


def _too_long(length: int, limit: int) -> str:
    return gettext(
        "is %(length)s characters long; the limit is %(limit)s",
        length=f"{length:,}",
        limit=f"{limit:,}",
    )


def _in_rater_language(errors: dict, comments: Mapping) -> dict:
    """The field errors with each message in the request's language; a comment's length,
    which the questionnaire words with its numbers, is worded again here."""
    translated: dict = {}
    for kind, fields in errors.items():
        translated[kind] = {}
        for key, messages in fields.items():
            text = comments.get(key) if kind == "comments" else None
            if isinstance(text, str) and len(text) > MAX_COMMENT_LENGTH:
                translated[kind][key] = [_too_long(len(text), MAX_COMMENT_LENGTH)]
                continue
            translated[kind][key] = [
                str(_FIELD_MESSAGES.get(message, message)) for message in messages
            ]
    return translated


# The preview shows the observer wording: every rater but the subject reads it, so a peer's
# questionnaire stands for them all.
PREVIEW_RELATIONSHIP = "peer"


def _draft_of(rater: Rater) -> dict:
    return {
        "answers": {answer.item_id: answer.score for answer in rater.draft_answers},
        "comments": {comment.key: comment.text for comment in rater.draft_comments},
    }


def _invitation(round_: Round, relationship: str) -> dict:
    """Whom the survey is about and by when, as a rater in this relationship is asked."""
    return {
        "subject": {"name": round_.subject.name},
        "relationship": relationship,
        "deadline": round_.deadline,
        "anonymity_threshold": round_.anonymity_threshold,
    }


def _worded(instrument, language: str | None):
    """The instrument in `language` when it has it, else in its own."""
    return instrument.in_language(language) if language in instrument.languages else instrument


def _questionnaire(round_: Round, relationship: str, language: str | None = None) -> dict:
    """The round's statements and questions worded for this relationship, and the scale
    each statement is answered on (score 1 to 5, then "don't know"), in `language` when
    the instrument has it, else in the instrument's own."""
    instrument = _worded(round_.instrument, language)
    return {
        **questionnaire_for(instrument, relationship, round_.subject.first_name),
        "scale": {"labels": list(instrument.scale_labels), "na_label": instrument.na_label},
    }


def survey_for_rater(rater: Rater, language: str | None = None) -> dict:
    """The questionnaire worded for this rater (in `language`, else theirs), with their
    saved draft, while they can still answer; afterwards only the response's state.

    Whoever holds a rater's link reads what this returns, so a submitted response is
    sealed: its answers and comments are not even loaded. A declined one has none left,
    and a draft is shown only while it can still be finished (a reopened round shows it
    again).
    """
    round_ = rater.round
    state = {
        **_invitation(round_, rater.relationship),
        "instrument": {"id": round_.instrument_id, "version": round_.instrument_version},
        "response_status": rater.response_status,
        "language": _worded(round_.instrument, language or rater.language).language,
        "accepting_answers": accepts_answers(round_) and rater.response_status in OPEN_STATUSES,
    }
    if rater.response_status == "submitted":
        state["submitted_on"] = rater.submitted_on
    elif rater.response_status == "declined":
        state["declined_at"] = rater.declined_at
    if not state["accepting_answers"]:
        return state
    return {
        **state,
        **_questionnaire(round_, rater.relationship, language or rater.language),
        "draft": _draft_of(rater),
    }


def survey_preview(actor_id: str, round_id: str, language: str | None = None) -> dict:
    """The survey as the round's raters read it, for the people who may read the round
    (HR, and its subject), in `language` when the instrument has it; nothing in it can be
    answered."""
    round_ = load_round_for(load_actor(actor_id), round_id)
    return {
        **_invitation(round_, PREVIEW_RELATIONSHIP),
        **_questionnaire(round_, PREVIEW_RELATIONSHIP, language),
    }


def _round_refusal(round_) -> str | None:
    if accepts_answers(round_):
        return None
    if round_.status == "closed":
        return gettext("the round is closed; answers are no longer accepted")
    return gettext("the deadline has passed; answers are no longer accepted")


def _status_refusal(response_status: str) -> str | None:
    if response_status in OPEN_STATUSES:
        return None
    if response_status == "submitted":
        return gettext("this response was already submitted; it can no longer change")
    return gettext("this response was already declined; it can no longer change")


def _refuse_if_final(rater: Rater) -> None:
    """Refuse at once a response that can no longer change, before checking the answers.

    A sealed response is refused as such even when the body would not be valid: the
    rater learns the real reason. This look takes no lock; _claim_response decides.
    """
    refusal = _round_refusal(rater.round) or _status_refusal(rater.response_status)
    if refusal:
        raise Conflict(refusal)


def _claim_response(rater_id: str, new_status: str, **values):
    """Move a still-open response to new_status, or raise Conflict saying why it can't.

    The conditional UPDATE locks the rater's row, so of two concurrent calls exactly one
    sees the response still open; the round row is read under a share lock so a
    concurrent close waits for us. Returns the round's status, deadline and releases.
    """
    rater = db.session.get(Rater, rater_id)
    round_ = db.session.execute(_ROUND_STATE_FOR_SHARE, {"round_id": rater.round_id}).one()
    refusal = _round_refusal(round_)
    if refusal:
        db.session.rollback()
        raise Conflict(refusal)
    claimed = db.session.execute(
        _CLAIM.values(response_status=new_status, **values), {"claimed_rater": rater_id}
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        status = db.session.scalar(_RESPONSE_STATUS, {"rater_id": rater_id})
        # No status: the rater was removed from the round meanwhile.
        raise Conflict(
            _status_refusal(status) if status else gettext("this survey is no longer open")
        )
    return round_


def _replace_draft(rater_id: str, answers: Mapping[str, int | None], texts: Mapping[str, str]):
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            _PG_REPLACE_DRAFT,
            {
                "rater_id": rater_id,
                "item_ids": list(answers),
                "scores": list(answers.values()),
                "keys": list(texts),
                "texts": list(texts.values()),
            },
        )
        return
    _delete_draft(rater_id)
    # Core inserts: building 40-odd ORM objects per response cost half of a submission.
    if answers:
        rows = [{"rater_id": rater_id, "item_id": i, "score": s} for i, s in answers.items()]
        db.session.execute(_INSERT_ANSWERS, rows)
    if texts:
        rows = [{"rater_id": rater_id, "key": k, "text": t} for k, t in texts.items()]
        db.session.execute(_INSERT_COMMENTS, rows)


def _delete_draft(rater_id: str) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_PG_DELETE_DRAFT, {"rater_id": rater_id})
        return
    db.session.execute(_DELETE_ANSWERS, {"rater_id": rater_id})
    db.session.execute(_DELETE_COMMENTS, {"rater_id": rater_id})


def _validated(rater: Rater, answers: Mapping, comments: Mapping, *, complete: bool) -> None:
    errors = validate_response(rater.round.instrument, answers, comments, complete=complete)
    if errors:
        raise Invalid(
            gettext("some answers are missing or invalid")
            if complete
            else gettext("some answers are invalid"),
            _in_rater_language(errors, comments),
        )


def save_draft(rater_id: str, answers: Mapping, comments: Mapping) -> dict:
    """Replace the rater's draft with these (possibly partial) answers."""
    rater = db.session.get(Rater, rater_id)
    _refuse_if_final(rater)
    _validated(rater, answers, comments, complete=False)
    saved_at = now()
    _claim_response(rater_id, "draft", draft_saved_at=saved_at)
    _replace_draft(rater_id, answers, clean_comments(comments))
    db.session.commit()
    return {"response_status": "draft", "saved_at": saved_at}


def submit_response(rater_id: str, answers: Mapping, comments: Mapping) -> dict:
    """Store the final response: every item answered; it can never change afterwards.

    In one transaction the response is written apart from the rater (service/services/
    responses.py), the draft is deleted, and the rater keeps only "submitted" and the day:
    no time of day, which could be matched with the moment a response arrived.
    """
    rater = db.session.get(Rater, rater_id)
    _refuse_if_final(rater)
    _validated(rater, answers, comments, complete=True)
    submitted_on = now().date()  # the UTC day (services/days.py)
    round_ = _claim_response(rater_id, "submitted", submitted_on=submitted_on, draft_saved_at=None)
    record_response(
        rater.round_id, rater.relationship, round_.releases, answers, clean_comments(comments)
    )
    _delete_draft(rater_id)
    db.session.commit()
    return {"response_status": "submitted", "submitted_on": submitted_on}


def decline_response(rater_id: str, reason: str | None) -> dict:
    """Decline to give feedback; any draft is deleted, not kept hidden.

    A declined response is never used, and the rater is told nothing they answered is
    kept: a draft left behind could only ever be read by someone it was not meant for.
    """
    _refuse_if_final(db.session.get(Rater, rater_id))
    if reason is not None and "\x00" in reason:
        raise Invalid(
            gettext("the reason is not valid text"),
            {"reason": [gettext("must not contain NUL characters")]},
        )
    if reason is not None and len(reason) > MAX_DECLINE_REASON:
        raise Invalid(
            gettext("the reason is too long"),
            {"reason": [_too_long(len(reason), MAX_DECLINE_REASON)]},
        )
    declined_at = now()
    rater = db.session.get(Rater, rater_id)
    _claim_response(rater_id, "declined", declined_at=declined_at)
    if (reason or "").strip():
        record_decline_reason(rater.round_id, reason.strip())
    _delete_draft(rater_id)
    db.session.commit()
    return {"response_status": "declined", "declined_at": declined_at}

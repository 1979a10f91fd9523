"""Use cases of a round's lifecycle: create, name raters, launch, resend, close, read."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from reports.response_counts import launch_partition
from service.extensions import db
from service.models import Person, Rater, Round
from service.services import audit
from service.services.access import acts_as_hr, load_actor, load_round_for
from service.services.clock import now
from service.services.counts import counts_for_subject, response_counts
from service.services.errors import Conflict, Forbidden, Invalid, NotFound
from service.services.languages import LANGUAGES, unknown_language_message
from service.services.notifications import dispatch, queue_after_close, queue_invitation
from service.services.people import (
    email_problem,
    find_person_by_email,
    name_problem,
    normalise_email,
)
from service.services.queue import RENDER_REPORT, enqueue
from service.services.results import freeze_results
from service.services.settings import current_settings
from service.services.survey_links import accepts_answers, issue_survey_link, revoke_survey_links
from surveys.instrument import DEFAULT_INSTRUMENT, UnknownInstrument, load_instrument
from surveys.relationships import RATERS_NAMED


def _load_rater(round_: Round, rater_id: str) -> Rater:
    rater = db.session.get(Rater, rater_id)
    if rater is None or rater.round_id != round_.id:
        raise NotFound(lazy_gettext("rater not found in this round"))
    return rater


PAST_DEADLINE = lazy_gettext("the deadline must be in the future")
# A refusal that names a state: one sentence per state, so each language words it whole.
LAUNCHED_ALREADY = {
    "open": lazy_gettext("the round is already open; it can be launched only once"),
    "closed": lazy_gettext("the round is already closed; it can be launched only once"),
}
ANSWERED_ALREADY = {
    "submitted": lazy_gettext("this rater has already submitted; no new link is needed"),
    "declined": lazy_gettext("this rater has already declined; no new link is needed"),
}
NOT_CLOSED = {
    "draft": lazy_gettext("only a closed round can be reopened; this one is draft"),
    "open": lazy_gettext("only a closed round can be reopened; this one is open"),
}
RATERS_REFUSED = lazy_gettext("some raters cannot be added")


def _deadline_problems(deadline: datetime) -> list[str]:
    return [lazy_gettext("must be in the future")] if deadline <= now() else []


def _check_deadline(deadline: datetime) -> None:
    if problems := _deadline_problems(deadline):
        raise Invalid(PAST_DEADLINE, {"deadline": problems})


def check_new_rater(
    subject_email: str,
    taken: set[str],
    name: str,
    email: str,
    relationship: str,
    language: str | None = None,
) -> dict[str, list[str]]:
    """The problems of a rater about to join a round, by field (empty: none). `taken`: the
    emails the round holds already (its subject's and raters'); nothing is added to it."""
    errors: dict[str, list[str]] = {}
    if problem := name_problem(name):
        errors["name"] = [problem]
    if language is not None and language not in LANGUAGES:
        errors["language"] = [unknown_language_message()]
    if relationship not in RATERS_NAMED:
        errors["relationship"] = [
            lazy_gettext(
                "must be one of %(choices)s (self is added automatically)",
                choices=", ".join(RATERS_NAMED),
            )
        ]
    email = normalise_email(email)
    if problem := email_problem(email):
        errors["email"] = [problem]
    elif email == subject_email:
        errors["email"] = [
            lazy_gettext("is the subject's own email; the self-assessment is added automatically")
        ]
    elif email in taken:
        errors["email"] = [lazy_gettext("is already a rater in this round")]
    return errors


def hands_out_links(actor: Person, round_: Round) -> bool:
    """Whether answers to this actor may carry survey links: a link goes to its rater by email,
    and to HR as well only where the organisation hands links out through its own channels.
    Never to a member: the person a round is about could answer or read in a rater's name."""
    return acts_as_hr(actor, round_) and current_app.config["SURVEY_LINKS_IN_API"]


def new_rater(
    round_: Round, name: str, email: str, relationship: str, language: str | None = None
) -> Rater:
    """A rater of the round; without a language, their browser or the organisation's
    default decides (service/i18n.py)."""
    rater = Rater(
        name=name.strip(),
        email=normalise_email(email),
        relationship=relationship,
        language=language,
    )
    round_.raters.append(rater)
    return rater


def _new_round_errors(
    subject: Person, deadline: datetime | None, raters: list[Mapping[str, str]]
) -> dict:
    """Every problem of a new round's deadline (unless unknown) and raters, at once: rater
    problems keyed by the rater's position, as {"raters": {"0": {"email": [...]}}}."""
    errors: dict = {}
    if deadline is not None and (problems := _deadline_problems(deadline)):
        errors["deadline"] = problems
    taken = {subject.email}
    rater_errors: dict[str, dict] = {}
    for index, rater in enumerate(raters):
        found = check_new_rater(
            subject.email,
            taken,
            rater["name"],
            rater["email"],
            rater["relationship"],
            rater.get("language"),
        )
        if found:
            rater_errors[str(index)] = found
        else:
            taken.add(normalise_email(rater["email"]))
    if rater_errors:
        errors["raters"] = rater_errors
    return errors


def new_round_problems(
    actor_id: str, *, deadline: datetime | None, raters: Iterable[Mapping[str, str]]
) -> dict:
    """What `create_round` would refuse in the actor's own new round, writing nothing: the
    start form asks for what its own checks let through, so one answer lists everything."""
    return _new_round_errors(load_actor(actor_id), deadline, list(raters))


def create_round(
    actor_id: str,
    *,
    deadline: datetime,
    subject_email: str | None = None,
    instrument: str = DEFAULT_INSTRUMENT,
    anonymity_threshold: int | None = None,
    gap_threshold: float = 1.0,
    raters: Iterable[Mapping[str, str]] = (),
) -> Round:
    """A draft round for a subject; members may only create rounds about themselves."""
    actor = load_actor(actor_id)
    if subject_email is None or normalise_email(subject_email) == actor.email:
        subject = actor
    elif not actor.is_hr:
        raise Forbidden(lazy_gettext("members can only launch rounds about themselves"))
    else:
        subject = find_person_by_email(subject_email)
        if subject is None:
            raise Invalid(
                lazy_gettext(
                    "no person has this email; create them first (feedback360 create-user)"
                ),
                {"subject_email": [lazy_gettext("no person has this email")]},
            )
    try:
        loaded = load_instrument(instrument)
    except UnknownInstrument as error:
        raise Invalid(str(error), {"instrument": [str(error)]}) from None
    raters = list(raters)
    # The deadline and every rater are checked together: one answer lists all their problems.
    if errors := _new_round_errors(subject, deadline, raters):
        refused = [PAST_DEADLINE] if "deadline" in errors else []
        refused += [RATERS_REFUSED] if "raters" in errors else []
        raise Invalid(
            refused[0]
            if len(refused) == 1
            else lazy_gettext("%(first)s and %(second)s", first=refused[0], second=refused[1]),
            errors,
        )
    floor = current_settings().anonymity_threshold
    threshold = floor if anonymity_threshold is None else anonymity_threshold
    if threshold < floor and not (actor.is_hr and subject.id != actor.id):
        # A smaller k would let the person the round is about see smaller groups than the
        # organisation allows; HR may choose any value in the allowed range.
        raise Invalid(
            lazy_gettext(
                "the anonymity threshold cannot be below your organisation's %(floor)s",
                floor=floor,
            ),
            {
                "anonymity_threshold": [
                    lazy_gettext(
                        "must be at least %(floor)s, your organisation's threshold", floor=floor
                    )
                ]
            },
        )
    round_ = Round(
        subject=subject,
        created_by=actor,
        instrument_id=loaded.id,
        instrument_version=loaded.version,
        deadline=deadline,
        anonymity_threshold=threshold,
        gap_threshold=gap_threshold,
        comment_seed=secrets.randbelow(2**31),
    )
    new_rater(round_, subject.name, subject.email, "self")
    for rater in raters:
        new_rater(
            round_, rater["name"], rater["email"], rater["relationship"], rater.get("language")
        )
    db.session.add(round_)
    # Who named each rater is on record, as for a rater added later.
    named = [f"{r.name} ({r.relationship})" for r in round_.raters if r.relationship != "self"]
    audit.record(
        "round_created",
        actor,
        round_,
        detail=f"raters named: {', '.join(named)}" if named else None,
    )
    db.session.commit()
    return round_


def add_rater(
    actor_id: str,
    round_id: str,
    name: str,
    email: str,
    relationship: str,
    language: str | None = None,
) -> tuple[Rater, str | None]:
    """Name one more rater; on an open round they get an invitation (and the link is returned
    where `hands_out_links` allows).

    Once results were released no rater can be added, reopened or not: only raters invited
    before the first close may answer late, or a rater added (and answered) by the subject
    would turn one real late response into a difference between two versions of the results.
    """
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    if round_.results is not None:
        raise Conflict(
            lazy_gettext(
                "the round's results were released; no rater can be added any more "
                "(only raters invited before the first close may still answer)"
            )
        )
    if round_.status == "closed":
        raise Conflict(lazy_gettext("the round is closed; no raters can be added"))
    _refuse_after_nomination(actor, round_)
    errors = check_new_rater(
        round_.subject.email, {r.email for r in round_.raters}, name, email, relationship, language
    )
    if errors:
        raise Invalid(lazy_gettext("this rater cannot be added"), errors)
    rater = new_rater(round_, name, email, relationship, language)
    token = job_id = None
    try:
        db.session.flush()
        if round_.status == "open":
            job_id = queue_invitation(rater)
            if hands_out_links(actor, round_):
                token = issue_survey_link(rater)
        audit.record("rater_added", actor, round_, detail=f"{rater.name} ({relationship})")
        db.session.commit()
    except IntegrityError:
        # Two requests added the same email at once; the first one won.
        db.session.rollback()
        raise Conflict(lazy_gettext("this email is already a rater in this round")) from None
    dispatch([job_id] if job_id else [])
    return rater, token


def _refuse_after_nomination(actor: Person, round_: Round) -> None:
    """A campaign's list, once submitted, changes only through its approval (or HR): the
    person cannot slip raters in or out of a list their manager checked."""
    if round_.nomination_stage in ("awaiting_approval", "approved") and not acts_as_hr(
        actor, round_
    ):
        raise Conflict(
            lazy_gettext(
                "your list of raters was submitted for approval; ask your manager to change it"
            )
        )


def remove_rater(actor_id: str, round_id: str, rater_id: str) -> None:
    """Remove a rater: anyone on a draft; after launch only HR, and only a rater who has not
    submitted. The subject is refused after launch whatever the rater did, so a removal can
    never tell them who has answered."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    rater = _load_rater(round_, rater_id)
    if rater.relationship == "self":
        raise Conflict(
            lazy_gettext("the self-assessment is part of every round and cannot be removed")
        )
    if round_.status == "closed":
        raise Conflict(lazy_gettext("the round is closed; its raters can no longer change"))
    if round_.status != "draft" and not acts_as_hr(actor, round_):
        raise Conflict(
            lazy_gettext(
                "raters can be removed only before the round is launched; ask HR if someone "
                "must be taken out"
            )
        )
    _refuse_after_nomination(actor, round_)
    # The conditional delete wins any race with a submit of the same response.
    deleted = db.session.execute(
        Rater.__table__.delete().where(
            Rater.id == rater.id, Rater.response_status.in_(("pending", "draft", "declined"))
        )
    ).rowcount
    if deleted != 1:
        db.session.rollback()
        raise Conflict(
            lazy_gettext("this rater has already submitted; their response stays in the round")
        )
    audit.record("rater_removed", actor, round_, detail=f"{rater.name} ({rater.relationship})")
    db.session.commit()


def launch_round(actor_id: str, round_id: str) -> list[tuple[Rater, str | None]]:
    """Open the round: a queued invitation email per rater (minting its own link when sent).
    Each rater comes back with a survey link (returned once, never stored) only where
    `hands_out_links` allows, else with None."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    if round_.status != "draft":
        raise Conflict(LAUNCHED_ALREADY[round_.status])
    if round_.campaign_id is not None and not (
        round_.nomination_stage == "approved" and acts_as_hr(actor, round_)
    ):
        raise Conflict(
            lazy_gettext(
                "this round is part of a campaign: it is launched with the campaign once its "
                "list of raters is approved"
            )
        )
    if not any(r.relationship != "self" for r in round_.raters):
        raise Conflict(
            lazy_gettext("name at least one rater besides the self-assessment before launching")
        )
    if round_.deadline <= now():
        raise Conflict(
            lazy_gettext("the deadline has passed; set a later deadline before launching")
        )
    invited = response_counts([round_.id])[round_.id]["invited"]
    _move(
        round_,
        "draft",
        "open",
        launched_at=now(),
        count_sets=[list(s) for s in launch_partition(invited, round_.anonymity_threshold)],
        lost_to=lazy_gettext("the round was launched by another request"),
    )
    hand_out = hands_out_links(actor, round_)
    links = [(rater, issue_survey_link(rater) if hand_out else None) for rater in round_.raters]
    job_ids = [queue_invitation(rater) for rater in round_.raters]
    audit.record("round_launched", actor, round_, detail=f"{len(round_.raters)} raters invited")
    db.session.commit()
    dispatch(job_ids)
    return links


def resend_invitation(actor_id: str, round_id: str, rater_id: str) -> tuple[Rater, str | None]:
    """Replace a rater's survey links with a new one, emailed to them; old links stop working.

    HR is told when the rater has already submitted or declined. The subject gets the same
    answer whatever the rater did (the caller says "if this rater's survey is still open, a
    new link was emailed"), so a resend never tells them who has answered."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    rater = _load_rater(round_, rater_id)
    if round_.status != "open":
        raise Conflict(
            lazy_gettext("the round has not been launched yet")
            if round_.status == "draft"
            else lazy_gettext("the round is closed; no new links are sent")
        )
    if rater.response_status in ("submitted", "declined"):
        if acts_as_hr(actor, round_):
            raise Conflict(ANSWERED_ALREADY[rater.response_status])
        db.session.rollback()  # nothing to send; the subject's answer stays the same
        return rater, None
    revoke_survey_links(rater)
    token = issue_survey_link(rater) if hands_out_links(actor, round_) else None
    job_id = queue_invitation(rater)
    db.session.commit()
    dispatch([job_id])
    return rater, token


def close_round(actor_id: str, round_id: str) -> Round:
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    if round_.status != "open":
        raise Conflict(
            lazy_gettext("the round was never launched; launch it first")
            if round_.status == "draft"
            else lazy_gettext("the round is already closed")
        )
    _close(round_, actor)
    return round_


def close_overdue_rounds() -> int:
    """Close every open round whose deadline has passed (the periodic housekeeping)."""
    overdue = db.session.scalars(
        select(Round.id).where(Round.status == "open", Round.deadline <= now())
    ).all()
    closed = 0
    for round_id in overdue:
        round_ = db.session.scalar(select(Round).where(Round.id == round_id).with_for_update())
        try:
            _close(round_)
        except Conflict:
            continue  # closed meanwhile by a person or another worker
        closed += 1
    return closed


def _move(round_: Round, before: str, after: str, *, lost_to: str, **values) -> None:
    """Change the round's status with one conditional UPDATE, which wins any race with a
    concurrent launch or close (the loser rolls back and is told what happened)."""
    moved = db.session.execute(
        update(Round)
        .where(Round.id == round_.id, Round.status == before)
        .values(status=after, **values)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise Conflict(lost_to)


def _close(round_: Round, actor: Person | None = None) -> None:
    """Close, freeze the results, then queue the report and the emails that follow; no actor
    means the deadline closed it."""
    _move(
        round_,
        "open",
        "closed",
        closed_at=now(),
        lost_to=lazy_gettext("the round was closed by another request"),
    )
    db.session.refresh(round_)
    freeze_results(round_)
    job_ids = queue_after_close(round_)
    audit.record("round_closed", actor, round_, detail=None if actor else "the deadline passed")
    db.session.commit()
    # The report is queued ahead of the emails that announce it.
    enqueue(RENDER_REPORT, round_.id)
    dispatch(job_ids)


RAW_ANSWERS_DELETED = lazy_gettext(
    "this round's raw answers were deleted under the retention setting, so it cannot be "
    "reopened; its results, report and plan stay as they are"
)


def reopen_round(actor_id: str, round_id: str, deadline: datetime) -> Round:
    """Take late responses into a closed round until a new deadline; its released results
    stand until it closes again (and then change only under the late-response rule)."""
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    if round_.status != "closed":
        raise Conflict(NOT_CLOSED[round_.status])
    if round_.raw_answers_deleted_at is not None:
        # Late answers would be scored without the deleted ones: results nobody could trust.
        raise Invalid(RAW_ANSWERS_DELETED)
    _check_deadline(deadline)
    round_.status, round_.deadline, round_.closed_at = "open", deadline, None
    audit.record(
        "round_reopened", actor, round_, detail=f"new deadline {deadline:%Y-%m-%d %H:%M} UTC"
    )
    db.session.commit()
    return round_


def extend_deadline(actor_id: str, round_id: str, deadline: datetime) -> Round:
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id, lock=True)
    if round_.status == "closed":
        raise Conflict(lazy_gettext("the round is closed; its deadline can no longer change"))
    _check_deadline(deadline)
    audit.record(
        "deadline_changed",
        actor,
        round_,
        detail=f"{round_.deadline:%Y-%m-%d %H:%M} → {deadline:%Y-%m-%d %H:%M} UTC",
    )
    round_.deadline = deadline
    db.session.commit()
    return round_


def _describe_rater(rater: Rater, *, for_hr: bool) -> dict:
    described = {
        "id": rater.id,
        "name": rater.name,
        "email": rater.email,
        "relationship": rater.relationship,
        "language": rater.language,
    }
    if for_hr:
        # Which email did not arrive is HR's to chase; the subject sees counts only.
        described |= {
            "delivery_status": rater.delivery_status,
            "delivery_error": rater.delivery_error,
        }
    return described


def describe_round(round_: Round, counts: Mapping[str, Mapping[str, int]], *, for_hr: bool) -> dict:
    statuses = [rater.delivery_status for rater in round_.raters]
    return {
        "id": round_.id,
        "status": round_.status,
        "accepting_answers": accepts_answers(round_),
        "subject": round_.subject,
        "created_by": round_.created_by,
        "instrument": {"id": round_.instrument_id, "version": round_.instrument_version},
        "deadline": round_.deadline,
        "anonymity_threshold": round_.anonymity_threshold,
        "gap_threshold": round_.gap_threshold,
        "created_at": round_.created_at,
        "campaign_id": round_.campaign_id,
        "nomination_stage": round_.nomination_stage,
        "launched_at": round_.launched_at,
        "closed_at": round_.closed_at,
        "raw_answers_deleted_at": round_.raw_answers_deleted_at,
        # HR sees the counts per relationship; the subject only what singles no one out.
        "responses": counts
        if for_hr
        else counts_for_subject(counts, round_.anonymity_threshold, round_.count_sets),
        "undelivered": {"failed": statuses.count("failed"), "bounced": statuses.count("bounced")},
        "raters": [_describe_rater(rater, for_hr=for_hr) for rater in round_.raters],
    }


def get_round(actor_id: str, round_id: str) -> dict:
    actor = load_actor(actor_id)
    round_ = load_round_for(actor, round_id)
    counts = response_counts([round_.id])[round_.id]
    return describe_round(round_, counts, for_hr=acts_as_hr(actor, round_))


def list_rounds(
    actor_id: str, status: str | None = None, *, subject_only: bool = False
) -> list[dict]:
    """Every round for HR; a member's own rounds for a member. Newest first.

    subject_only: only the rounds about the actor, HR included (their "My rounds").
    """
    actor = load_actor(actor_id)
    query = (
        select(Round)
        .options(selectinload(Round.raters), selectinload(Round.subject))
        .order_by(Round.created_at.desc(), Round.id)
    )
    if subject_only or not actor.is_hr:
        query = query.where(Round.subject_id == actor.id)
    if status:
        query = query.where(Round.status == status)
    rounds = list(db.session.scalars(query))
    counts = response_counts([r.id for r in rounds])
    return [describe_round(r, counts[r.id], for_hr=acts_as_hr(actor, r)) for r in rounds]

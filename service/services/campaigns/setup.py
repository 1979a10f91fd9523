"""HR opens a campaign: one draft round per person, each emailed a request to name raters."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext
from sqlalchemy import insert, select

from service.extensions import db
from service.models import Campaign, Job, Person, Rater, Round
from service.models.types import new_id
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.errors import Invalid, NotFound, worded_later
from service.services.notifications import dispatch
from service.services.people import name_problem, normalise_email
from service.services.people_import import LOOKUP_CHUNK
from service.services.settings import current_settings
from surveys.instrument import UnknownInstrument, load_instrument
from surveys.relationships import RATERS_NAMED

CAMPAIGN_REFUSED = lazy_gettext("this campaign cannot be started")
ONLY_HR_RUNS_CAMPAIGNS = lazy_gettext("only HR can run campaigns")
MAX_SUBJECTS = 10_000
MAX_PER_RELATIONSHIP = 50


def job_row(kind: str, key: str, at: datetime, **about: str) -> dict:
    """An email job due now, as a row for a bulk insert (thousands at once: no ORM objects)."""
    return {
        "id": new_id(),
        "kind": kind,
        "key": key,
        "status": "queued",
        "attempts": 0,
        "created_at": at,
        "due_at": at,
        **about,
    }


def load_campaign(actor_id: str, campaign_id: str) -> tuple[Person, Campaign]:
    """HR and the campaign; anyone else is refused before learning whether it exists."""
    actor = load_hr(actor_id, ONLY_HR_RUNS_CAMPAIGNS)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(lazy_gettext("campaign not found"))
    return actor, campaign


def _rule_problems(minimum: dict, maximum: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for relationship, n in minimum.items():
        if relationship not in RATERS_NAMED:
            errors.setdefault("minimum_raters", []).append(
                lazy_gettext(
                    "%(relationship)s is not one of %(relationships)s",
                    relationship=repr(relationship),
                    relationships=", ".join(RATERS_NAMED),
                )
            )
        elif isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_PER_RELATIONSHIP:
            errors.setdefault("minimum_raters", []).append(
                lazy_gettext(
                    "%(relationship)s: must be a whole number from 0 to %(most)s",
                    relationship=relationship,
                    most=MAX_PER_RELATIONSHIP,
                )
            )
    wanted = sum(n for n in minimum.values() if isinstance(n, int))
    if maximum is not None and maximum < max(wanted, 1):
        errors["maximum_raters"] = [
            lazy_gettext("must be at least the minimums' total (%(total)s)", total=max(wanted, 1))
        ]
    return errors


def _subjects(emails: list[str]) -> tuple[list[Person], list[str]]:
    """The people with these emails in the order given (repeats dropped), and the unknown
    emails."""
    wanted = list(dict.fromkeys(normalise_email(email) for email in emails))
    found: dict[str, Person] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found |= {
            p.email: p for p in db.session.scalars(select(Person).where(Person.email.in_(chunk)))
        }
    return [found[e] for e in wanted if e in found], [e for e in wanted if e not in found]


def create_campaign(
    actor_id: str,
    *,
    name: str,
    subjects: list[str],
    nomination_deadline: datetime,
    deadline: datetime,
    instrument: str = "soft-skills",
    anonymity_threshold: int | None = None,
    manager_approval: bool = True,
    minimum_raters: dict | None = None,
    maximum_raters: int | None = None,
) -> Campaign:
    """A campaign with a draft round per person (each with its self-assessment), every person
    emailed a request to name their raters by the nomination deadline; all or nothing."""
    actor = load_hr(actor_id, ONLY_HR_RUNS_CAMPAIGNS)
    minimum = dict(minimum_raters or {})
    errors = _rule_problems(minimum, maximum_raters)
    if problem := name_problem(name):
        errors["name"] = [problem]
    if nomination_deadline <= now():
        errors["nomination_deadline"] = [lazy_gettext("must be in the future")]
    if deadline <= nomination_deadline:
        errors["deadline"] = [lazy_gettext("must be after the nomination deadline")]
    try:
        loaded = load_instrument(instrument)
    except UnknownInstrument as error:
        errors["instrument"] = [str(error)]
    if not subjects:
        errors["subjects"] = [lazy_gettext("name at least one person")]
    elif len(subjects) > MAX_SUBJECTS:
        errors["subjects"] = [
            lazy_gettext("at most %(most)s people per campaign", most=MAX_SUBJECTS)
        ]
    people, unknown = _subjects(subjects) if "subjects" not in errors else ([], [])
    if unknown:
        shown = ", ".join(unknown[:5])
        errors["subjects"] = [
            lazy_gettext(
                "nobody has the email %(emails)s and %(count)s more; add them first",
                emails=shown,
                count=len(unknown) - 5,
            )
            if len(unknown) > 5
            else lazy_gettext("nobody has the email %(emails)s; add them first", emails=shown)
        ]
    if errors:
        details = worded_later("; ", (worded_later(" ", (k, v[0])) for k, v in errors.items()))
        raise Invalid(
            lazy_gettext("%(refusal)s: %(details)s", refusal=CAMPAIGN_REFUSED, details=details),
            errors,
        )
    threshold = anonymity_threshold or current_settings().anonymity_threshold
    campaign = Campaign(
        id=new_id(),
        name=name.strip(),
        instrument_id=loaded.id,
        instrument_version=loaded.version,
        anonymity_threshold=threshold,
        nomination_deadline=nomination_deadline,
        deadline=deadline,
        manager_approval=manager_approval,
        minimum_raters={r: n for r, n in minimum.items() if n},
        maximum_raters=maximum_raters,
        created_by_id=actor.id,
        created_at=now(),
    )
    db.session.add(campaign)
    db.session.flush()
    rounds, raters, jobs = [], [], []
    created = now()
    for person in people:
        round_id = new_id()
        rounds.append(
            {
                "id": round_id,
                "subject_id": person.id,
                "created_by_id": actor.id,
                "instrument_id": loaded.id,
                "instrument_version": loaded.version,
                "status": "draft",
                "deadline": deadline,
                "anonymity_threshold": threshold,
                "gap_threshold": 1.0,
                "comment_seed": secrets.randbelow(2**31),
                "created_at": created,
                "campaign_id": campaign.id,
                "nomination_stage": "nominating",
            }
        )
        raters.append(
            {
                "id": new_id(),
                "round_id": round_id,
                "name": person.name,
                "email": person.email,
                "relationship": "self",
                "response_status": "pending",
                "created_at": created,
            }
        )
        jobs.append(
            job_row(
                "nomination_request",
                f"nomination_request:{round_id}",
                created,
                round_id=round_id,
                person_id=person.id,
            )
        )
    # Bulk inserts: a campaign of thousands is created in seconds, in one transaction.
    for model, rows in ((Round, rounds), (Rater, raters), (Job, jobs)):
        if rows:
            db.session.execute(insert(model), rows)
    audit.record(
        "campaign_created",
        actor,
        detail=f"{campaign.name}: {len(people)} people",
        data={"campaign_id": campaign.id, "rounds": len(rounds)},
    )
    db.session.commit()
    dispatch([job["id"] for job in jobs])
    return campaign


def campaign_rounds(campaign_id: str) -> list[tuple[str, str]]:
    """(round id, subject email) of each round of the campaign, by email."""
    return [
        (round_id, email)
        for round_id, email in db.session.execute(
            select(Round.id, Person.email)
            .join(Person, Round.subject_id == Person.id)
            .where(Round.campaign_id == campaign_id)
            .order_by(Person.email)
        ).all()
    ]

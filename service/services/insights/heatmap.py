"""The team heatmap: who may see which rows, and one query for each person's latest closed
round on the instrument and the all-others scores it publishes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from reports.heatmap import Heatmap, contributions_frame, team_heatmap
from service.extensions import db
from service.models import Person, PublishedSkillScore, Round
from service.services.access import load_actor
from service.services.errors import Forbidden, Invalid, worded_later
from service.services.settings import current_settings
from surveys.instrument import DEFAULT_INSTRUMENT, available_instruments, load_instrument

GROUPINGS = ("manager", "department")
ONLY_HR_AND_MANAGERS = lazy_gettext(
    "only HR and managers (people with direct reports) can see the heatmap"
)


MANAGER_ROW_ONLY = lazy_gettext(
    "a manager sees their own team's row only: ask for group_by=manager, without dates"
)


@dataclass(frozen=True)
class HeatmapFilter:
    """What the heatmap is asked for. The dates choose which closed rounds count, before each
    person's latest is taken: "from March" shows everyone as their latest round since March
    saw them, and a person whose only rounds are older is left out."""

    group_by: str = "manager"
    instrument_id: str = DEFAULT_INSTRUMENT
    closed_from: date | None = None
    closed_to: date | None = None  # inclusive: the whole day, in UTC

    @property
    def dated(self) -> bool:
        return self.closed_from is not None or self.closed_to is not None


def heatmap_filter(
    group_by: str | None = None,
    instrument_id: str | None = None,
    closed_from: date | None = None,
    closed_to: date | None = None,
) -> HeatmapFilter:
    """The filter, or Invalid naming each field that is wrong."""
    problems: dict[str, list[str]] = {}
    group_by = group_by or "manager"
    if group_by not in GROUPINGS:
        problems["group_by"] = [
            lazy_gettext("must be one of: %(choices)s", choices=", ".join(GROUPINGS))
        ]
    instrument_id = instrument_id or DEFAULT_INSTRUMENT
    if instrument_id not in {known for known, _ in available_instruments()}:
        known = sorted({known for known, _ in available_instruments()})
        problems["instrument"] = [
            lazy_gettext("unknown instrument; available: %(known)s", known=", ".join(known))
        ]
    if closed_from and closed_to and closed_to < closed_from:
        problems["closed_to"] = [lazy_gettext("is before closed_from")]
    if problems:
        raise Invalid(
            worded_later(
                "; ",
                (worded_later(" ", (name, messages[0])) for name, messages in problems.items()),
            ),
            problems,
        )
    return HeatmapFilter(group_by, instrument_id, closed_from, closed_to)


def skills_of(instrument_id: str) -> dict[str, str]:
    """Every skill of any version of the instrument, by id: the newest version's first, in
    its order, then skills only older versions had; each by its newest name."""
    names: dict[str, str] = {}
    versions = [v for known, v in available_instruments() if known == instrument_id]
    for version in reversed(versions):
        for skill in load_instrument(instrument_id, version).skills:
            names.setdefault(skill.id, skill.name)
    return names


def _latest_rounds(wanted: HeatmapFilter):
    """Each person's latest closed round on the instrument within the dates, as a subquery
    of (round id, subject id): ranked in the database, so no document is read but these."""
    # No test of the results document: a close freezes it in the same transaction, and
    # leaving it out lets the index ix_rounds_norms answer without reading the wide rows.
    conditions = [Round.instrument_id == wanted.instrument_id, Round.status == "closed"]
    if wanted.closed_from:
        conditions.append(Round.closed_at >= datetime.combine(wanted.closed_from, time(), UTC))
    if wanted.closed_to:
        next_day = datetime.combine(wanted.closed_to + timedelta(days=1), time(), UTC)
        conditions.append(Round.closed_at < next_day)
    ranked = (
        select(
            Round.id.label("round_id"),
            Round.subject_id.label("subject_id"),
            func.row_number()
            .over(
                partition_by=Round.subject_id,
                order_by=(Round.closed_at.desc(), Round.id.desc()),
            )
            .label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    return select(ranked.c.round_id, ranked.c.subject_id).where(ranked.c.rank == 1).subquery()


def _contributions(wanted: HeatmapFilter, only_manager: str | None = None) -> list:
    """(person, team key, team label, skill id, published others) for each person's latest
    round, one record per skill it publishes: read from the scores kept beside the results
    documents (service/models/published_scores.py), so no 24 KB document is parsed."""
    latest = _latest_rounds(wanted)
    manager = aliased(Person)
    if wanted.group_by == "manager":
        key, label = manager.email, manager.name
    else:
        department = func.nullif(func.trim(Person.department), "")
        key, label = department, department
    scores = PublishedSkillScore
    query = (
        select(Person.id, key, label, scores.skill_id, scores.others)
        .select_from(latest)
        .join(scores, scores.round_id == latest.c.round_id)
        .join(Person, Person.id == latest.c.subject_id)
        .outerjoin(manager, manager.id == Person.manager_id)
    )
    if only_manager is not None:
        query = query.where(Person.manager_id == only_manager)
    # Through the connection: plain rows, without the ORM's per-row work for 70,000 of them.
    return db.session.connection().execute(query).all()


def compute_heatmap(wanted: HeatmapFilter, only_manager: str | None = None) -> Heatmap:
    """The heatmap under the organisation's member rule (`only_manager`: that manager's
    direct reports only, the organisation's row then pooling just them)."""
    frame = contributions_frame(_contributions(wanted, only_manager))
    return team_heatmap(
        frame, list(skills_of(wanted.instrument_id)), current_settings().heatmap_min_members
    )


def is_manager(person_id: str) -> bool:
    return bool(db.session.scalar(select(exists().where(Person.manager_id == person_id))))


def team_heatmap_for(
    actor_id: str, wanted: HeatmapFilter, *, own_team: bool = False
) -> dict[str, Any]:
    """The heatmap as its reader may see it. HR: every row and the organisation's (or, with
    `own_team`, for their team page, their own row as any manager sees it). A manager:
    their own team's row only, with no organisation row and no dates, because comparing
    either with their row, or two date windows of it, would single out one person's score
    (docs/scoring.md); anyone else: Forbidden."""
    actor = load_actor(actor_id)
    if actor.is_hr and not own_team:
        return compute_heatmap(wanted).to_dict(wanted.group_by)
    if not is_manager(actor.id):
        raise Forbidden(ONLY_HR_AND_MANAGERS)
    if wanted.group_by != "manager" or wanted.dated:
        raise Forbidden(MANAGER_ROW_ONLY)
    heatmap = compute_heatmap(wanted, only_manager=actor.id)
    own = [row for row in heatmap.rows if row["key"] == actor.email]
    return {"group_by": "manager", "rows": own, "organisation": {"skills": {}}}


def export_filter_notes(wanted: HeatmapFilter, min_members: int) -> list[tuple[str, str]]:
    """How a heatmap was computed, line by line, for the exports' notes."""
    dates = (
        f"rounds closed from {wanted.closed_from or 'the first round'} "
        f"to {wanted.closed_to or 'today'} (UTC, both days included)"
        if wanted.dated
        else "every closed round"
    )
    grouping = (
        "people with the same manager (key: the manager's email)"
        if wanted.group_by == "manager"
        else "people with the same department (people without one count in the organisation "
        "row only)"
    )
    return [
        ("Instrument", wanted.instrument_id),
        ("Teams", grouping),
        ("Rounds counted", dates),
        (
            "Each person",
            "contributes the published all-others score of their latest closed round among "
            "the rounds counted, per skill; a score the report withheld contributes nothing",
        ),
        (
            "A cell",
            f"the mean of its people's scores, shown only when at least {min_members} people "
            "contribute (n is that number)",
        ),
        ("Organisation", "every contributing person pooled, under the same rule"),
        ("Colours", "the team's mean minus the organisation's; orange below, blue above"),
    ]

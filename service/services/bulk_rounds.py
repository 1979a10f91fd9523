"""HR launches rounds for many people at once from one CSV of raters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext
from sqlalchemy import select

from service.extensions import db
from service.models import Round
from service.services.access import load_hr
from service.services.clock import now
from service.services.csv_uploads import (
    CheckedFile,
    Problem,
    in_file_order,
    read_csv_table,
    snake_case,
)
from service.services.errors import DomainError
from service.services.people import email_problem, name_problem, normalise_email
from service.services.people_import import taken_emails
from service.services.rounds import create_round, launch_round
from surveys.relationships import RATERS_NAMED

BULK_COLUMNS = ("subject_email", "rater_name", "rater_email", "relationship")
RATER_COLUMNS = BULK_COLUMNS[1:]


@dataclass(frozen=True)
class Subject:
    """What the check needs to know of a person a round would be about."""

    name: str
    has_open_round: bool


@dataclass
class PlannedRound:
    subject_email: str
    subject_name: str
    row: int  # where the subject first appears
    raters: list[dict[str, str]] = field(default_factory=list)

    def count(self, relationship: str) -> int:
        return sum(rater["relationship"] == relationship for rater in self.raters)


@dataclass
class BulkLaunch(CheckedFile):
    """The rounds a file would launch, and the problems that stop it."""

    rounds: list[PlannedRound]

    @property
    def rater_count(self) -> int:
        return sum(len(planned.raters) for planned in self.rounds)


def _rater_problems(values: dict[str, str], subject_email: str) -> dict[str, str]:
    problems = {}
    name, email = values["rater_name"], normalise_email(values["rater_email"])
    if problem := name_problem(name):
        problems["rater_name"] = problem
    if problem := email_problem(email):
        problems["rater_email"] = problem
    elif email == subject_email:
        problems["rater_email"] = lazy_gettext(
            "is the subject's own email; the self-assessment is added automatically"
        )
    relationship = snake_case(values["relationship"])
    if relationship == "self":
        problems["relationship"] = lazy_gettext("self is added automatically; leave it out")
    elif relationship not in RATERS_NAMED:
        problems["relationship"] = lazy_gettext(
            "must be one of %(choices)s, not %(value)s",
            choices=", ".join(RATERS_NAMED),
            value=repr(values["relationship"]),
        )
    for column, value in values.items():
        if "\x00" in value:
            problems[column] = lazy_gettext("contains a NUL character")
    return problems


def check_bulk_rounds(
    text: str, deadline: datetime | None, current: datetime, subjects: Mapping[str, Subject]
) -> BulkLaunch:
    """Validate a bulk-launch CSV (one row per rater) and its deadline; pure: `subjects`
    are the people the file's emails belong to, `current` is the time now."""
    table = read_csv_table(text, BULK_COLUMNS, required=BULK_COLUMNS)
    problems = list(table.problems)
    if deadline is None:
        problems.append(Problem(None, "deadline", lazy_gettext("choose a deadline")))
    elif deadline <= current:
        problems.append(
            Problem(None, "deadline", lazy_gettext("the deadline must be in the future"))
        )
    planned: dict[str, PlannedRound] = {}
    rater_rows: dict[tuple[str, str], int] = {}
    refused: set[str] = set()  # subjects with an open round, reported on their first row
    for number, values in table.rows:
        found = {}
        email = normalise_email(values["subject_email"])
        subject = subjects.get(email)
        if problem := email_problem(email):
            found["subject_email"] = problem
        elif subject is None:
            found["subject_email"] = lazy_gettext(
                "nobody has the email %(email)s; add them on People first", email=email
            )
        elif subject.has_open_round and email not in refused:
            refused.add(email)
            found["subject_email"] = lazy_gettext(
                "%(name)s already has an open round; close it or leave them out", name=subject.name
            )
        if subject and email not in refused and email not in planned:
            planned[email] = PlannedRound(email, subject.name, number)
        if any(values[column] for column in RATER_COLUMNS):
            found |= _rater_problems(values, email)
            rater_email = normalise_email(values["rater_email"])
            if "rater_email" not in found and (email, rater_email) in rater_rows:
                found["rater_email"] = lazy_gettext(
                    "%(rater)s is already a rater for %(email)s on row %(row)s",
                    rater=rater_email,
                    email=email,
                    row=rater_rows[email, rater_email],
                )
            rater_rows.setdefault((email, rater_email), number)
            if not found and email in planned:
                planned[email].raters.append(
                    {
                        "name": values["rater_name"],
                        "email": rater_email,
                        "relationship": snake_case(values["relationship"]),
                    }
                )
        problems += [Problem(number, column, message) for column, message in found.items()]
    has_rater_rows = {subject_email for subject_email, _ in rater_rows}
    for planned_round in planned.values():
        if planned_round.subject_email not in has_rater_rows:
            problems.append(
                Problem(
                    planned_round.row,
                    "subject_email",
                    lazy_gettext(
                        "%(name)s has no raters besides the self-assessment",
                        name=planned_round.subject_name,
                    ),
                )
            )
    return BulkLaunch(
        problems=in_file_order(problems, BULK_COLUMNS),
        rounds=list(planned.values()) if not problems else [],
    )


def _subjects(text: str) -> dict[str, Subject]:
    people = taken_emails(text)
    open_subjects = set(
        db.session.scalars(
            select(Round.subject_id).where(
                Round.status == "open", Round.subject_id.in_([p.id for p in people.values()])
            )
        )
    )
    return {
        email: Subject(person.name, person.id in open_subjects) for email, person in people.items()
    }


def preview_bulk_launch(actor_id: str, text: str, deadline: datetime | None) -> BulkLaunch:
    """HR's preview of a bulk launch: the rounds it would open, or every problem in it."""
    load_hr(actor_id)
    return check_bulk_rounds(text, deadline, now(), _subjects(text))


@dataclass(frozen=True)
class LaunchOutcome:
    subject_name: str
    subject_email: str
    round_id: str | None
    status: str  # open, draft (created but not launched) or failed
    raters: int
    error: str | None = None


def launch_bulk_rounds(actor_id: str, text: str, deadline: datetime | None) -> list[LaunchOutcome]:
    """Check the same text again, then create and launch one round per subject. Nothing is
    written unless the whole file passes; should a round still fail (another request
    changed something meanwhile) the launch stops there and the outcome says so."""
    load_hr(actor_id)
    checked = check_bulk_rounds(text, deadline, now(), _subjects(text))
    checked.refuse_unless_ok(lazy_gettext("no round was launched"))
    outcomes = []
    for planned in checked.rounds:
        round_id = None
        try:
            round_id = create_round(
                actor_id,
                deadline=deadline,
                subject_email=planned.subject_email,
                raters=planned.raters,
            ).id
            launch_round(actor_id, round_id)
        except DomainError as error:
            outcomes.append(
                LaunchOutcome(
                    planned.subject_name,
                    planned.subject_email,
                    round_id,
                    "draft" if round_id else "failed",
                    len(planned.raters),
                    error.message,
                )
            )
            break
        outcomes.append(
            LaunchOutcome(
                planned.subject_name, planned.subject_email, round_id, "open", len(planned.raters)
            )
        )
    return outcomes

"""Demo data: an HR user, members with their manager, a closed round with varied answers and
an open one."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from service.extensions import db
from service.models import Rater, Round
from service.services import rounds, survey
from service.services.absolute_urls import base_url, survey_url
from service.services.clock import now
from service.services.people import create_person, find_person_by_email, issue_api_token
from service.services.sign_in import set_password
from service.services.sign_in_links import SIGN_IN_LINK_MINUTES, mint_sign_in_link
from service.services.survey_links import issue_survey_link, revoke_survey_links
from surveys.instrument import DEFAULT_INSTRUMENT, load_instrument

HR = ("Hana Reyes", "hana.reyes@example.com")
SUBJECT = ("Maya Lind", "maya.lind@example.com")
OPEN_SUBJECT = ("Sam Okafor", "sam.okafor@example.com")
# Maya's and Sam's manager, so the HR dashboard can filter by manager.
MANAGER = ("Jonas Weber", "jonas.weber@example.com")

CLOSED_ROUND_RATERS = [
    ("Jonas Weber", "manager"),
    ("Aiko Tanaka", "peer"),
    ("Luis Ferreira", "peer"),
    ("Priya Nair", "peer"),
    ("Tom Becker", "peer"),
    ("Chloe Martin", "direct_report"),
    ("Omar Haddad", "direct_report"),
    ("Lena Novak", "direct_report"),
    ("Grace Kim", "other"),
    ("Ravi Patel", "other"),
]
OPEN_ROUND_RATERS = [
    ("Jonas Weber", "manager"),
    ("Aiko Tanaka", "peer"),
    ("Nina Sorensen", "peer"),
    ("Ben Adeyemi", "peer"),
    ("Chloe Martin", "direct_report"),
    ("Omar Haddad", "direct_report"),
]

# How Maya's colleagues see her (mean per skill), and how she sees herself: a blind spot
# on leadership, a hidden strength in creative problem-solving, direct reports who see
# her adaptability differently from her peers.
OTHERS_VIEW = {
    "emotional_intelligence": 4.0,
    "adaptability": 3.7,
    "creative_problem_solving": 4.2,
    "empathy": 4.1,
    "ethical_decision_making": 4.5,
    "leadership": 3.0,
    "cross_cultural_communication": 3.1,
}
SELF_VIEW = {
    "emotional_intelligence": 4.2,
    "adaptability": 3.8,
    "creative_problem_solving": 3.0,
    "empathy": 4.0,
    "ethical_decision_making": 4.4,
    "leadership": 4.4,
    "cross_cultural_communication": 3.0,
}
RELATIONSHIP_SHIFT = {("direct_report", "adaptability"): -1.4, ("peer", "adaptability"): 0.6}

COMMENTS = {
    "emotional_intelligence": [
        "Stays calm in incident calls and lowers the temperature for everyone.",
        "Notices when someone is struggling, often before they say anything.",
        "Occasionally gets visibly frustrated when plans change at the last minute.",
    ],
    "adaptability": [
        "Handled the reorganisation with good humour and kept the team focused.",
        "When priorities shift, it takes a while before the team hears the new plan.",
    ],
    "creative_problem_solving": [
        "Her workshop on the onboarding flow produced ideas nobody else had thought of.",
        "Asks 'what if we did the opposite?' and it often works.",
    ],
    "empathy": [
        "Makes time for one-to-ones even in the busiest weeks.",
        "Listens properly & remembers what you told her weeks later.",
    ],
    "ethical_decision_making": [
        "Raised the data-sharing concern with the client when it would have been easier not to.",
        "You always know where she stands, and why.",
    ],
    "leadership": [
        "I would like to hear more about where the team is heading and why.",
        "Meetings she runs sometimes end without clear owners for the next steps.",
        "Delegates tasks but tends to keep the interesting decisions to herself.",
    ],
    "cross_cultural_communication": [
        "Could check more often that colleagues in the Singapore office follow the discussion.",
        "Written updates are clear, but idioms sometimes confuse non-native speakers.",
    ],
    "keep_doing": [
        "Keep running the monthly retrospectives; they are the best hour of the month.",
        "Keep asking for our opinion before big decisions.",
        "Keep sharing what you learn from customers.",
        "Keep being the calm voice when things go wrong.",
    ],
    "do_differently": [
        "Share the bigger picture earlier, even when it is not final.",
        "Give the team more room to lead parts of projects.",
        "Slow down in meetings with the international teams and check understanding.",
        "Say no to more requests so the team can focus.",
    ],
}


@dataclass(frozen=True)
class DemoResult:
    hr_email: str
    hr_token: str
    hr_password: str
    hr_sign_in_link: str
    member_sign_in_link: str
    closed_round_id: str
    open_round_id: str
    survey_link: str | None
    survey_rater: str | None
    api_url: str

    def summary(self) -> str:
        lines = [
            "Demo data is ready.",
            f"  HR user:       {HR[0]} <{self.hr_email}>",
            f"  HR password:   {self.hr_password}",
            f"  HR API token:  {self.hr_token}",
            f"  Sign in as HR ({SIGN_IN_LINK_MINUTES} minutes, once): {self.hr_sign_in_link}",
            f"  Sign in as {SUBJECT[0]} ({SIGN_IN_LINK_MINUTES} minutes, once): "
            f"{self.member_sign_in_link}",
            f"  Closed round:  {self.closed_round_id} (about {SUBJECT[0]}, 11 responses)",
            f"  Open round:    {self.open_round_id} (about {OPEN_SUBJECT[0]})",
        ]
        if self.survey_link:
            lines.append(f"  Survey link for {self.survey_rater}: {self.survey_link}")
        lines.append(
            f"  Try: curl -H 'Authorization: Bearer {self.hr_token}' {self.api_url}/rounds"
        )
        return "\n".join(lines)


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.com"


def _rater_specs(names_and_relationships):
    return [
        {"name": name, "email": _email(name), "relationship": relationship}
        for name, relationship in names_and_relationships
    ]


def _demo_answers(rng: random.Random, instrument, relationship: str) -> dict:
    """A plausible response: the rater's leniency, item noise and a few "don't know"s."""
    leniency = rng.gauss(0, 0.35)
    answers = {}
    for skill in instrument.skills:
        if relationship == "self":
            centre = SELF_VIEW[skill.id]
        else:
            centre = OTHERS_VIEW[skill.id] + leniency
            centre += RELATIONSHIP_SHIFT.get((relationship, skill.id), 0.0)
        # People outside the team see less of how she leads.
        not_seen = 0.35 if relationship == "other" and skill.id == "leadership" else 0.05
        for item in skill.items:
            if relationship != "self" and rng.random() < not_seen:
                answers[item.id] = None
            else:
                answers[item.id] = min(5, max(1, round(rng.gauss(centre, 0.55))))
    return answers


def _demo_comments(rng: random.Random, relationship: str) -> dict:
    if relationship == "self":
        return {
            "leadership": "I think I set a clear direction; I would like to delegate more.",
            "do_differently": "Make more time for the international teams.",
        }
    keys = rng.sample(sorted(COMMENTS), k=3)
    return {key: rng.choice(COMMENTS[key]) for key in keys}


def _ensure_person(name: str, email: str, role: str):
    return find_person_by_email(email) or create_person(email, name, role)


def _launched_round(hr_id: str, subject_email: str, days: int, raters) -> tuple[str, list]:
    """Create and launch a demo round; its id and its raters."""
    created = rounds.create_round(
        hr_id,
        subject_email=subject_email,
        deadline=now() + timedelta(days=days),
        raters=_rater_specs(raters),
    )
    return created.id, [rater for rater, _token in rounds.launch_round(hr_id, created.id)]


def _submit_demo_response(rng: random.Random, instrument, rater) -> None:
    survey.submit_response(
        rater.id,
        _demo_answers(rng, instrument, rater.relationship),
        _demo_comments(rng, rater.relationship),
    )


def _fill_closed_round(hr_id: str, rng: random.Random, instrument) -> str:
    round_id, raters = _launched_round(hr_id, SUBJECT[1], 14, CLOSED_ROUND_RATERS)
    for rater in raters:
        _submit_demo_response(rng, instrument, rater)
    rounds.close_round(hr_id, round_id)
    return round_id


def _fill_open_round(hr_id: str, rng: random.Random, instrument) -> str:
    round_id, raters = _launched_round(hr_id, OPEN_SUBJECT[1], 10, OPEN_ROUND_RATERS)
    by_name = {rater.name: rater for rater in raters}
    for name in ("Jonas Weber", "Aiko Tanaka"):
        _submit_demo_response(rng, instrument, by_name[name])
    draft = _demo_answers(rng, instrument, "direct_report")
    survey.save_draft(by_name["Chloe Martin"].id, dict(list(draft.items())[:12]), {})
    return round_id


def _pending_rater(round_id: str) -> Rater | None:
    return db.session.scalar(
        select(Rater)
        .where(Rater.round_id == round_id, Rater.response_status == "pending")
        .where(Rater.relationship != "self")
        .order_by(Rater.created_at)
    )


def load_demo() -> DemoResult:
    """Create the demo once; every call returns a fresh HR token and survey link."""
    hr = _ensure_person(*HR, "hr")
    subject = _ensure_person(*SUBJECT, "member")
    open_subject = _ensure_person(*OPEN_SUBJECT, "member")
    manager = _ensure_person(*MANAGER, "member")
    subject.manager_id = open_subject.manager_id = manager.id
    db.session.commit()
    instrument = load_instrument(DEFAULT_INSTRUMENT)
    # A fixed seed: the demo report looks the same on every machine.
    rng = random.Random(360)  # noqa: S311 - demo data, not a secret
    closed = db.session.scalar(
        select(Round.id).where(Round.subject_id == subject.id, Round.status == "closed")
    ) or _fill_closed_round(hr.id, rng, instrument)
    open_round = db.session.scalar(
        select(Round.id).where(Round.subject_id == open_subject.id, Round.status == "open")
    ) or _fill_open_round(hr.id, rng, instrument)

    link, rater_name = None, None
    pending = _pending_rater(open_round)
    if pending is not None:
        # The operator of the demo reads one rater's link here instead of from an email.
        revoke_survey_links(pending)
        link = survey_url(issue_survey_link(pending))
        rater_name = f"{pending.name} ({pending.relationship})"
    # A new password, token and sign-in links on every run: none is ever stored in plain.
    password = secrets.token_urlsafe(12)
    set_password(hr.id, password)
    hr_link, member_link = (
        f"{base_url()}/sign-in/{mint_sign_in_link(person)}" for person in (hr, subject)
    )
    db.session.commit()
    return DemoResult(
        hr.email,
        issue_api_token(hr.id),
        password,
        hr_link,
        member_link,
        closed,
        open_round,
        link,
        rater_name,
        f"{base_url()}/api/v1",
    )

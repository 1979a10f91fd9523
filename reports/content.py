"""What the report says: its content, built from the results, the instrument and the round."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reports.change import change_sentences, reliable_points
from reports.norms import norm_sentence
from reports.plan import BLIND_SPOT, LOWEST_RATED, SELF_RATED_LOW, DevelopmentPlan, development_plan
from reports.results import Group, ItemResult, Results, SkillResult
from surveys.relationships import NAMES

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Skill

FLAG_NAMES = {"blind_spot": "Blind spot", "hidden_strength": "Hidden strength"}
REASON_NAMES = {
    LOWEST_RATED: "Among the lowest rated",
    BLIND_SPOT: "Blind spot",
    SELF_RATED_LOW: "Among your lowest self-ratings",
}


@dataclass(frozen=True)
class ReportContext:
    """What the report needs beyond the results: who it is about and the round's dates."""

    subject_name: str
    launched_at: datetime | None
    closed_at: datetime | None
    deadline: datetime
    generated_at: datetime
    reassessment_after_days: int = 180  # suggested re-assessment round: closed_at + this
    # The round the change is measured from (results.change): when it closed, and the mean
    # change all others reported in its impact pulse, per skill, where one was published.
    previous_closed_at: datetime | None = None
    previous_pulse: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Section:
    """One skill's part of the report: the instrument's words for it and its results."""

    skill: Skill
    result: SkillResult


@dataclass(frozen=True)
class ResponseRows:
    """One set of the cover's "Who responded": (relationship name, invited) rows, and how many
    of the set responded, or None where the set is too small for that to be shown."""

    rows: tuple[tuple[str, int], ...]
    responded: int | None


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says, in the order its pages say it; no layout, no charts."""

    results: Results
    instrument: Instrument
    context: ReportContext
    responses: tuple[ResponseRows, ...]
    responses_grouped: bool  # some set counts several relationships together
    responses_hidden: bool  # some set is too small for how many responded to be shown
    summary: tuple[str, ...]
    sections: tuple[Section, ...]
    top_items: tuple[tuple[ItemResult, SkillResult], ...]
    bottom_items: tuple[tuple[ItemResult, SkillResult], ...]
    plan: DevelopmentPlan
    questions: tuple[tuple[str, tuple[str, ...]], ...]  # (open question, its comments)
    comments_published: bool
    change_sentences: tuple[str, ...] = ()
    reliable_points: float = 0.0  # how far a score must move to count as a reliable change

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.results.groups


def report_content(
    results: Results, instrument: Instrument, context: ReportContext
) -> ReportContent:
    """What the report of these results says about the person the round is about."""
    first_name = (context.subject_name.split() or ["this person"])[0]
    items = {item.id: item for skill in results.skills for item in skill.items}
    item_skill = {item.id: skill for skill in results.skills for item in skill.items}
    return ReportContent(
        results=results,
        instrument=instrument,
        context=context,
        responses=tuple(response_rows(results)),
        responses_grouped=any(len(count_set.members) > 1 for count_set in results.responses),
        responses_hidden=any(not count_set.shown for count_set in results.responses),
        # The norms' sentence closes the summary, after what the feedback itself says.
        summary=(*summary_sentences(results), *filter(None, [norm_sentence(results)])),
        sections=tuple(Section(instrument.skill(result.id), result) for result in results.skills),
        top_items=tuple((items[i], item_skill[i]) for i in results.top_items),
        bottom_items=tuple((items[i], item_skill[i]) for i in results.bottom_items),
        plan=development_plan(
            results,
            instrument,
            closed_at=context.closed_at or context.generated_at,
            reassessment_after_days=context.reassessment_after_days,
        ),
        questions=tuple(
            (question.text_for("observer", first_name), results.comments.get(question.id, ()))
            for question in instrument.questions
        ),
        comments_published=bool(results.comments),
        change_sentences=tuple(
            change_sentences(results.change, {skill.id: skill.name for skill in results.skills})
            if results.change is not None
            else ()
        ),
        reliable_points=reliable_points(instrument.score_sd, instrument.reliability),
    )


def summary_sentences(results: Results) -> list[str]:
    """Three to five plain sentences on what the feedback says, from the results only."""
    skills = {skill.id: skill for skill in results.skills}
    if not any("others" in skill.scores for skill in results.skills):
        return _self_only_summary(results)
    sentences = []
    if results.strengths:
        sentences.append(
            f"Others see your greatest strengths in {_names(results.strengths, skills)}."
        )
    if results.development_areas:
        areas = [
            f"{skills[skill_id].name} ({skills[skill_id].scores['others']:.2f})"
            for skill_id in results.development_areas
        ]
        sentences.append(f"The most room to grow is in {_joined(areas)}.")
    blind = [skill for skill in results.skills if skill.flag == "blind_spot"]
    hidden = [skill for skill in results.skills if skill.flag == "hidden_strength"]
    for flagged, what, direction in (
        (blind, "blind spot", "higher"),
        (hidden, "hidden strength", "lower"),
    ):
        if flagged:
            verb = "is a" if len(flagged) == 1 else "are each a"
            sentences.append(
                f"{_joined([skill.name for skill in flagged])} {verb} {what}: you rated "
                f"yourself clearly {direction} than others did."
            )
    if not blind and not hidden:
        sentences.append(
            "Your view of yourself is broadly in line with others': no skill shows a clear gap."
        )
    mixed = [
        skill.name for skill in results.skills if skill.agreement and skill.agreement.mixed_views
    ]
    if mixed:
        its = "its average hides" if len(mixed) == 1 else "their averages hide"
        sentences.append(
            f"Views were mixed on {_joined(mixed)}: people see it quite differently, so {its} "
            "real differences."
        )
    return sentences[:5]


def _self_only_summary(results: Results) -> list[str]:
    k = results.anonymity_threshold
    sentences = [
        "Too few raters responded for their scores to be shown: a score is shown only when "
        f"at least {k} people besides you answered, so that no one can be singled out.",
    ]
    rated = [skill for skill in results.skills if "self" in skill.scores]
    if rated and len({skill.scores["self"] for skill in rated}) > 1:
        high, low = (pick(rated, key=lambda skill: skill.scores["self"]) for pick in (max, min))
        sentences.append(
            f"In your self-assessment you rated {high.name} highest ({high.scores['self']:.2f}) "
            f"and {low.name} lowest ({low.scores['self']:.2f})."
        )
    sentences.append(
        "Treat this report as a starting point: the plan below builds on your own view, and a "
        "new round with more raters will show how others see you."
    )
    return sentences


def response_rows(results: Results) -> list[ResponseRows]:
    """The cover's "Who responded", one entry per set of the response counts (self first, on
    its own).

    Invitations are shown per relationship; how many responded only per set of at least k
    invited, once for the set's rows, never per relationship: a set holding a lone manager
    or a single direct report tells nothing of that person alone.
    """
    entries = []
    if results.invited.get("self", 0):
        # The subject knows whether they answered themselves.
        answered = next((group.n for group in results.groups if group.key == "self"), 0)
        entries.append(ResponseRows(((NAMES["self"].row, 1),), answered))
    for count_set in results.responses:
        rows = tuple(
            (NAMES[member].row, results.invited.get(member, 0)) for member in count_set.members
        )
        entries.append(ResponseRows(rows, count_set.answered))
    return entries


def _names(skill_ids: Sequence[str], skills: Mapping[str, SkillResult]) -> str:
    return _joined([skills[skill_id].name for skill_id in skill_ids])


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

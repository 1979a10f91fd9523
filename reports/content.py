"""What the report says: its content, built from the results, the instrument and the round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reports.change import change_sentences, reliable_points
from reports.language import N_, joined, ngettext, number
from reports.language import gettext as _
from reports.localized import relationship_row, results_in_language
from reports.norms import norm_sentence
from reports.plan import BLIND_SPOT, LOWEST_RATED, SELF_RATED_LOW, DevelopmentPlan, development_plan
from reports.results import Group, ItemResult, Results, SkillResult

if TYPE_CHECKING:
    from surveys.instrument import Instrument, Skill

# English msgids: the template translates them where it shows them.
FLAG_NAMES = {"blind_spot": N_("Blind spot"), "hidden_strength": N_("Hidden strength")}
REASON_NAMES = {
    LOWEST_RATED: N_("Among the lowest rated"),
    BLIND_SPOT: N_("Blind spot"),
    SELF_RATED_LOW: N_("Among your lowest self-ratings"),
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
    """What the report of these results says about the person the round is about, in the
    instrument's language (instrument.in_language): its skill names and statements replace
    the results' own, which stay as they were frozen."""
    first_name = (context.subject_name.split() or [_("this person")])[0]
    results = results_in_language(results, instrument, first_name)
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
            _(
                "Others see your greatest strengths in %(skills)s.",
                skills=joined([skills[skill_id].name for skill_id in results.strengths]),
            )
        )
    if results.development_areas:
        areas = [
            f"{skills[skill_id].name} ({number(skills[skill_id].scores['others'])})"
            for skill_id in results.development_areas
        ]
        sentences.append(_("The most room to grow is in %(skills)s.", skills=joined(areas)))
    blind = [skill.name for skill in results.skills if skill.flag == "blind_spot"]
    hidden = [skill.name for skill in results.skills if skill.flag == "hidden_strength"]
    if blind:
        sentences.append(
            ngettext(
                "%(skills)s is a blind spot: you rated yourself clearly higher than others did.",
                "%(skills)s are each a blind spot: you rated yourself clearly higher than "
                "others did.",
                len(blind),
                skills=joined(blind),
            )
        )
    if hidden:
        sentences.append(
            ngettext(
                "%(skills)s is a hidden strength: you rated yourself clearly lower than "
                "others did.",
                "%(skills)s are each a hidden strength: you rated yourself clearly lower than "
                "others did.",
                len(hidden),
                skills=joined(hidden),
            )
        )
    if not blind and not hidden:
        sentences.append(
            _("Your view of yourself is broadly in line with others': no skill shows a clear gap.")
        )
    mixed = [
        skill.name for skill in results.skills if skill.agreement and skill.agreement.mixed_views
    ]
    if mixed:
        sentences.append(
            ngettext(
                "Views were mixed on %(skills)s: people see it quite differently, so its "
                "average hides real differences.",
                "Views were mixed on %(skills)s: people see it quite differently, so their "
                "averages hide real differences.",
                len(mixed),
                skills=joined(mixed),
            )
        )
    return sentences[:5]


def _self_only_summary(results: Results) -> list[str]:
    k = results.anonymity_threshold
    sentences = [
        _(
            "Too few raters responded for their scores to be shown: a score is shown only when "
            "at least %(k)s people besides you answered, so that no one can be singled out.",
            k=k,
        ),
    ]
    rated = [skill for skill in results.skills if "self" in skill.scores]
    if rated and len({skill.scores["self"] for skill in rated}) > 1:
        high, low = (pick(rated, key=lambda skill: skill.scores["self"]) for pick in (max, min))
        sentences.append(
            _(
                "In your self-assessment you rated %(high)s highest (%(high_score)s) and "
                "%(low)s lowest (%(low_score)s).",
                high=high.name,
                high_score=number(high.scores["self"]),
                low=low.name,
                low_score=number(low.scores["self"]),
            )
        )
    sentences.append(
        _(
            "Treat this report as a starting point: the plan below builds on your own view, "
            "and a new round with more raters will show how others see you."
        )
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
        entries.append(ResponseRows(((relationship_row("self"), 1),), answered))
    for count_set in results.responses:
        rows = tuple(
            (relationship_row(member), results.invited.get(member, 0))
            for member in count_set.members
        )
        entries.append(ResponseRows(rows, count_set.answered))
    return entries

"""Advice on whom to ask for feedback, and how the anonymity rule will group those raters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reports.aggregate import plan_groups
from surveys.relationships import NAMES, POOLABLE

ADVICE = "advice"
WARNING = "warning"
# How many more than k to ask for in a group of peers or direct reports. One more than k keeps
# the group shown when one rater does not answer, or answers "don't know" to a statement
# (a skill's group scores are shown only when every statement has k answers in every group);
# a few more is still small enough that every rater knows the person's work.
RECOMMENDED_ABOVE_K = (1, 3)


@dataclass(frozen=True)
class Voice:
    """Whom the guidance speaks to: the subject about their own round (no name), or HR about
    someone else's (the subject's first name)."""

    name: str | None = None

    @property
    def whose(self) -> str:
        return "your" if self.name is None else f"{self.name}'s"

    @property
    def whom(self) -> str:
        return "you" if self.name is None else self.name

    def named(self, what: str) -> str:
        """'You named 2 peers' or 'Maya's round names 2 peers'."""
        return f"You named {what}" if self.name is None else f"{self.whose} round names {what}"

    def does(self, you: str, they: str) -> str:
        """'you lead' or 'Maya leads'."""
        return f"you {you}" if self.name is None else f"{self.name} {they}"


SUBJECT = Voice()


@dataclass(frozen=True)
class Message:
    level: str  # ADVICE (how many to ask) or WARNING (a group will be merged or hidden)
    text: str


def _count(number: int, relationship: str) -> str:
    one, many = NAMES[relationship].one, NAMES[relationship].many
    return f"{number} {one if number == 1 else many}"


def recommended_group_size(k: int) -> tuple[int, int]:
    """How many peers (or direct reports) to ask under threshold k: k + 1 or more."""
    low, high = RECOMMENDED_ABOVE_K
    return k + low, k + high


def _size_advice(counts: Mapping[str, int], k: int, voice: Voice) -> list[Message]:
    low, high = recommended_group_size(k)
    messages = []
    managers = counts.get("manager", 0)
    if managers == 0:
        messages.append(
            Message(
                ADVICE,
                f"Name {voice.whose} manager: their view is shown as its own group, “Manager”.",
            )
        )
    elif managers > 1:
        messages.append(
            Message(
                ADVICE,
                f"{voice.named(f'{managers} managers')}; one is usual. Their scores are averaged "
                "together and shown as one group, “Manager”.",
            )
        )
    peers = counts.get("peer", 0)
    if peers < low:
        named = f" (so far {peers})" if peers else ""
        messages.append(
            Message(
                ADVICE,
                f"Name {low}–{high} peers: colleagues who work alongside {voice.whom}{named}.",
            )
        )
    elif peers > high:
        messages.append(
            Message(
                ADVICE,
                f"{voice.named(_count(peers, 'peer'))}; {low}–{high} who know "
                f"{voice.whose} work well usually say more than many who know it a little.",
            )
        )
    reports = counts.get("direct_report", 0)
    if reports == 0:
        messages.append(
            Message(
                ADVICE,
                f"If {voice.does('lead', 'leads')} people, name {low}–{high} of "
                f"{voice.whose} direct reports.",
            )
        )
    elif reports < low:
        messages.append(
            Message(
                ADVICE,
                f"{voice.named(_count(reports, 'direct_report'))}; if "
                f"{voice.does('have', 'has')} more, name {low}–{high} of them.",
            )
        )
    elif reports > high:
        messages.append(
            Message(
                ADVICE,
                f"{voice.named(_count(reports, 'direct_report'))}; {low}–{high} who know "
                f"{voice.whose} work well are usually enough.",
            )
        )
    return messages


def _members(members: list[str], counts: Mapping[str, int], voice: Voice) -> str:
    """'your direct reports (2) and others (1)'."""
    names = [f"{NAMES[m].many} ({counts[m]})" for m in members]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{voice.whose} {listed}"


def _grouping_warnings(counts: Mapping[str, int], k: int, voice: Voice) -> list[Message]:
    """What the report's groups would be if every rater named here answered."""
    if not any(counts.get(r, 0) for r in ("manager", *POOLABLE)):
        return []
    groups = plan_groups({**counts, "self": 1}, k)
    keys = [group.key for group in groups]
    small = [r for r in POOLABLE if 0 < counts.get(r, 0) < k]
    if keys == ["self"]:
        return [
            Message(
                WARNING,
                f"Fewer than {k} raters in all: no one's scores could be shown without "
                f"revealing who gave them, so the report would show only {voice.whose} "
                f"self-assessment. Name at least {k} raters besides "
                f"{'yourself' if voice.name is None else voice.name}.",
            )
        ]
    if keys == ["self", "others"]:
        return [
            Message(
                WARNING,
                f"No group of peers, direct reports or others reaches {k}, the smallest "
                f"group whose scores are shown. Everyone's scores, {voice.whose} manager's "
                "included, would be shown together as one group, “All others”.",
            )
        ]
    messages = []
    for group in groups:
        if group.key in ("self", "manager", "others") or len(group.members) == 1:
            continue
        pooled = _members([m for m in group.members if m in small], counts, voice)
        if group.key == "combined":
            text = (
                f"Groups of fewer than {k} are not shown on their own, so the scores of "
                f"{pooled} will be pooled and shown together as “{group.label}”."
            )
        else:
            text = (
                f"Groups of fewer than {k} are not shown on their own, and {pooled} are too "
                f"few even when pooled: their scores will be merged with {voice.whose} "
                f"{NAMES[group.key].many} and shown as “{group.label}”."
            )
        messages.append(
            Message(
                WARNING,
                f"{text} {_capitalised(voice.whose)} manager is always shown as their own group.",
            )
        )
    exact = [g.label for g in groups if g.key not in ("self", "manager", "others") and g.n == k]
    for label in exact:
        messages.append(
            Message(
                ADVICE,
                f"“{label}” has exactly {k} raters. Groups are formed from the answers "
                f"actually submitted: if one of them does not answer, the group falls below "
                f"{k} and is merged too, and if one answers “don't know” to a statement, the "
                "groups of that whole skill are hidden. Naming one or two more helps.",
            )
        )
    return messages


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def rater_guidance(counts: Mapping[str, int], k: int, voice: Voice = SUBJECT) -> list[Message]:
    """Advice and warnings for raters named per relationship (self excluded) under threshold k,
    worded for the subject or, with another voice, for HR looking at someone else's round.

    The warnings apply the report's own grouping (reports.aggregate.plan_groups) to the
    invited counts, as if everyone answered.
    """
    return _size_advice(counts, k, voice) + _grouping_warnings(counts, k, voice)

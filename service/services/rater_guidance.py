"""Advice on whom to ask for feedback, and how the anonymity rule will group those raters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reports.aggregate import plan_groups

ADVICE = "advice"
WARNING = "warning"
# The usual size of a group of peers or direct reports: enough to be pooled on its own
# (at the default threshold), small enough that every rater knows the person's work.
RECOMMENDED = (3, 5)
_NAMES = {"peer": ("peer", "peers"), "direct_report": ("direct report", "direct reports")}
_PLURALS = {"peer": "peers", "direct_report": "direct reports", "other": "others"}


@dataclass(frozen=True)
class Message:
    level: str  # ADVICE (how many to ask) or WARNING (a group will be merged or hidden)
    text: str


def _count(number: int, relationship: str) -> str:
    one, many = _NAMES[relationship]
    return f"{number} {one if number == 1 else many}"


def _size_advice(counts: Mapping[str, int]) -> list[Message]:
    low, high = RECOMMENDED
    messages = []
    managers = counts.get("manager", 0)
    if managers == 0:
        messages.append(
            Message(ADVICE, "Name your manager: their view is shown as its own group, “Manager”.")
        )
    elif managers > 1:
        messages.append(
            Message(
                ADVICE,
                f"You named {managers} managers; one is usual. Their scores are averaged "
                "together and shown as one group, “Manager”.",
            )
        )
    peers = counts.get("peer", 0)
    if peers < low:
        named = f" (so far {peers})" if peers else ""
        messages.append(
            Message(ADVICE, f"Name {low}–{high} peers: colleagues who work alongside you{named}.")
        )
    elif peers > high:
        messages.append(
            Message(
                ADVICE,
                f"You named {_count(peers, 'peer')}; {low}–{high} who know your work well "
                "usually say more than many who know it a little.",
            )
        )
    reports = counts.get("direct_report", 0)
    if reports == 0:
        messages.append(
            Message(ADVICE, f"If you lead people, name {low}–{high} of your direct reports.")
        )
    elif reports < low:
        messages.append(
            Message(
                ADVICE,
                f"You named {_count(reports, 'direct_report')}; if you have more, name "
                f"{low}–{high} of them.",
            )
        )
    elif reports > high:
        messages.append(
            Message(
                ADVICE,
                f"You named {_count(reports, 'direct_report')}; {low}–{high} who know your "
                "work well are usually enough.",
            )
        )
    return messages


def _members(members: list[str], counts: Mapping[str, int]) -> str:
    """'your direct reports (2) and others (1)'."""
    names = [f"{_PLURALS[m]} ({counts[m]})" for m in members]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"your {listed}"


def _grouping_warnings(counts: Mapping[str, int], k: int) -> list[Message]:
    """What the report's groups would be if every rater named here answered."""
    if not any(counts.get(r, 0) for r in ("manager", *_PLURALS)):
        return []
    groups = plan_groups({**counts, "self": 1}, k)
    keys = [group.key for group in groups]
    small = [r for r in _PLURALS if 0 < counts.get(r, 0) < k]
    if keys == ["self"]:
        return [
            Message(
                WARNING,
                f"Fewer than {k} raters in all: no one's scores could be shown without "
                f"revealing who gave them, so the report would show only your "
                f"self-assessment. Name at least {k} raters besides yourself.",
            )
        ]
    if keys == ["self", "others"]:
        return [
            Message(
                WARNING,
                f"No group of peers, direct reports or others reaches {k}, the smallest "
                "group whose scores are shown. Everyone's scores, your manager's included, "
                "would be shown together as one group, “All others”.",
            )
        ]
    messages = []
    for group in groups:
        if group.key in ("self", "manager", "others") or len(group.members) == 1:
            continue
        pooled = _members([m for m in group.members if m in small], counts)
        if group.key == "combined":
            text = (
                f"Groups of fewer than {k} are not shown on their own, so the scores of "
                f"{pooled} will be pooled and shown together as “{group.label}”."
            )
        else:
            text = (
                f"Groups of fewer than {k} are not shown on their own, and {pooled} are too "
                f"few even when pooled: their scores will be merged with your "
                f"{_PLURALS[group.key]} and shown as “{group.label}”."
            )
        messages.append(
            Message(WARNING, text + " Your manager is always shown as their own group.")
        )
    exact = [g.label for g in groups if g.key not in ("self", "manager", "others") and g.n == k]
    for label in exact:
        messages.append(
            Message(
                ADVICE,
                f"“{label}” has exactly {k} raters. Groups are formed from the answers "
                f"actually submitted: if one of them does not answer, the group falls below "
                f"{k} and is merged too. Naming one or two more helps.",
            )
        )
    return messages


def rater_guidance(counts: Mapping[str, int], k: int) -> list[Message]:
    """Advice and warnings for raters named per relationship (self excluded) under threshold k.

    The warnings apply the report's own grouping (reports.aggregate.plan_groups) to the
    invited counts, as if everyone answered.
    """
    return _size_advice(counts) + _grouping_warnings(counts, k)

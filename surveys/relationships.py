"""Who answers a survey about a person: the five relationships, in their fixed order, and
the words the product uses for each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

RELATIONSHIPS = ("self", "manager", "peer", "direct_report", "other")
OBSERVERS = RELATIONSHIPS[1:]  # everyone but the person themselves: "all others"
RATERS_NAMED = OBSERVERS  # whom a person names; the self-assessment is added for them
# The relationships pooled under the anonymity threshold; the manager is shown as their own
# group because raters are told so.
POOLABLE = ("peer", "direct_report", "other")


@dataclass(frozen=True)
class RelationshipNames:
    many: str  # several raters inside a group's name: "direct reports"
    group: str  # a group of results or counts: "Direct reports"


NAMES = {
    "self": RelationshipNames("self", "Self"),
    "manager": RelationshipNames("managers", "Manager"),
    "peer": RelationshipNames("peers", "Peers"),
    "direct_report": RelationshipNames("direct reports", "Direct reports"),
    "other": RelationshipNames("others", "Others"),
}


def joined(members: Sequence[str], first: Callable[[str], str], more: Callable[[str], str]) -> str:
    """ "Direct reports + others": a set of relationships counted together, named by the
    first member's group word and the plural of each one after it (the words given by the
    caller, in whatever language it writes)."""
    head, *rest = members
    return " + ".join([first(head), *(more(member) for member in rest)])


def group_label(members: Sequence[str]) -> str:
    """ "Peers", "Direct reports + others": the members' names, the first capitalised."""
    return joined(members, lambda r: NAMES[r].group, lambda r: NAMES[r].many)

"""Who answers a survey about a person: the five relationships, in their fixed order, and
the words the product uses for each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RELATIONSHIPS = ("self", "manager", "peer", "direct_report", "other")
OBSERVERS = RELATIONSHIPS[1:]  # everyone but the person themselves: "all others"
RATERS_NAMED = OBSERVERS  # whom a person names; the self-assessment is added for them
# The relationships pooled under the anonymity threshold; the manager is shown as their own
# group because raters are told so.
POOLABLE = ("peer", "direct_report", "other")


@dataclass(frozen=True)
class RelationshipNames:
    one: str  # a rater: "direct report" (lower case, for sentences)
    many: str  # several: "direct reports"
    group: str  # a group of results or counts: "Direct reports"
    row: str  # a line of a table about one person's round: "Self-assessment", "Peers"
    invited_as: str  # the invitation's "you were asked as a …": "colleague"


NAMES = {
    "self": RelationshipNames("self", "self", "Self", "Self-assessment", "self-assessment"),
    "manager": RelationshipNames("manager", "managers", "Manager", "Manager", "manager"),
    "peer": RelationshipNames("peer", "peers", "Peers", "Peers", "peer"),
    "direct_report": RelationshipNames(
        "direct report", "direct reports", "Direct reports", "Direct reports", "direct report"
    ),
    "other": RelationshipNames("other", "others", "Others", "Others", "colleague"),
}


def group_label(members: Sequence[str]) -> str:
    """ "Peers", "Direct reports + others": the members' names, the first capitalised."""
    first, *rest = members
    return " + ".join([NAMES[first].group, *(NAMES[member].many for member in rest)])

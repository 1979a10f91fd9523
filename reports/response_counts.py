"""Response counts that single no one out: docs/scoring.md, "Response counts".

How many people were invited is shown per relationship. How many of them answered or declined
is shown only for sets of at least k invited raters besides the subject, formed from the
invited counts like the scoring blocks: a lone manager who declined, or the only direct
report who answered, is never a count of one. The subject's own response is not part of any
set (they know whether they answered themselves).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from surveys.relationships import OBSERVERS, RELATIONSHIPS, group_label

# The key of the one set of a round that invited fewer than k raters besides the subject.
EVERYONE = "all"
COMBINED = "combined"


@dataclass(frozen=True)
class CountSet:
    """Raters besides the subject counted together: who is in it (relationships), how many
    were invited, and how many answered and declined (None where they may not be shown)."""

    key: str  # a relationship, "combined" or "all"
    label: str  # "Peers", "Manager + direct reports", ...
    members: tuple[str, ...]  # its relationships, never "self"
    invited: int
    answered: int | None
    declined: int | None

    @property
    def shown(self) -> bool:
        """Whether the set is large enough for its answered and declined counts."""
        return self.answered is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "members": list(self.members),
            "invited": self.invited,
            "submitted": self.answered,
            "declined": self.declined,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CountSet:
        return cls(
            key=data["key"],
            label=data["label"],
            members=tuple(data["members"]),
            invited=int(data["invited"]),
            answered=_optional_int(data["submitted"]),
            declined=_optional_int(data["declined"]),
        )


def invited_by_relationship(invited: Mapping[str, int]) -> dict[str, int]:
    """How many were invited, for every relationship (0 where none): always shown."""
    return _counts(invited, "invited")


def launch_partition(invited: Mapping[str, int], k: int) -> tuple[tuple[str, ...], ...]:
    """The sets of relationships a round's response counts keep from its launch on.

    Formed from the counts invited at launch like `visible_response_counts` forms them, and
    covering every relationship besides self, those with nobody invited yet too (they join
    the pooled set, or else the smallest set, or the one set of a round below k). Raters added
    later join the set of their relationship, so no set ever splits: a set that split after
    an addition would show, by difference, how the raters already in it responded (the new
    ones cannot have answered yet)."""
    invited_counts = _counts(invited, "invited")
    sets = partition(invited_counts, k, OBSERVERS)
    if not sets:
        return (OBSERVERS,)
    absent = tuple(r for r in OBSERVERS if not invited_counts[r])
    if absent:
        target = (
            COMBINED
            if COMBINED in sets
            else min(sets, key=lambda key: _sum(invited_counts, sets[key]))
        )
        sets[target] = tuple(r for r in OBSERVERS if r in sets[target] or r in absent)
    return tuple(sets.values())


def visible_response_counts(
    invited: Mapping[str, int],
    submitted: Mapping[str, int],
    declined: Mapping[str, int] | None,
    k: int,
    kept: Sequence[Sequence[str]] | None = None,
) -> tuple[CountSet, ...]:
    """The sets whose counts may be shown, covering every relationship besides self with
    someone invited, in order: each relationship with at least k invited on its own, then
    the smaller ones pooled ("combined"); a pool below k is merged into the smallest set of
    its own (ties: manager, peer, direct report, other). When fewer than k were invited in
    all, one set ("all") holds them, with only its invited count.

    `kept`: the sets fixed at launch (`launch_partition`), used instead of forming them anew;
    each set lists the relationships in it that have someone invited, and shows answered and
    declined only while it counts at least k invited.

    Counts are per relationship (missing ones are 0); `declined` may be None when unknown
    (its counts are then None too). ValueError for an unknown relationship, a count that is
    not a whole number >= 0, or more answers and declines than invitations.
    """
    invited_counts = _counts(invited, "invited")
    submitted_counts = _counts(submitted, "submitted")
    declined_counts = None if declined is None else _counts(declined, "declined")
    for relationship in RELATIONSHIPS:
        responded = submitted_counts[relationship] + (
            0 if declined_counts is None else declined_counts[relationship]
        )
        if responded > invited_counts[relationship]:
            raise ValueError(
                f"{invited_counts[relationship]} {relationship} invited, but {responded} "
                "answered or declined"
            )
    if kept is not None:
        return _kept_sets(kept, invited_counts, submitted_counts, declined_counts, k)
    sets = partition(invited_counts, k, OBSERVERS)
    if not sets:
        everyone = tuple(r for r in OBSERVERS if invited_counts[r])
        if not everyone:
            return ()
        invited_in_all = _sum(invited_counts, everyone)
        return (CountSet(EVERYONE, group_label(everyone), everyone, invited_in_all, None, None),)
    return tuple(
        CountSet(
            key=key,
            label=group_label(members),
            members=members,
            invited=_sum(invited_counts, members),
            answered=_sum(submitted_counts, members),
            declined=None if declined_counts is None else _sum(declined_counts, members),
        )
        for key, members in sets.items()
    )


def partition(
    counts: Mapping[str, int], k: int, relationships: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """{key: relationships}: the sets of at least k that `relationships` form (steps 2 and 3
    of docs/scoring.md's blocks), for response counts and scoring blocks alike.

    Each relationship with a count >= k is a set of its own (keyed by itself); those with
    0 < count < k are pooled into one set, "combined", when the pool reaches k; a smaller pool
    is merged into the smallest set of its own (ties: the first in `relationships`), which
    keeps its key. Empty when no relationship reaches k and neither does the pool.
    """
    own = [relationship for relationship in relationships if counts[relationship] >= k]
    pooled = tuple(relationship for relationship in relationships if 0 < counts[relationship] < k)
    sets: dict[str, tuple[str, ...]] = {relationship: (relationship,) for relationship in own}
    if sum(counts[relationship] for relationship in pooled) >= k:
        sets[COMBINED] = pooled
    elif pooled and own:
        # min() keeps the first of equals, and `own` is in the order of `relationships`.
        target = min(own, key=lambda relationship: counts[relationship])
        sets[target] = tuple(r for r in relationships if r == target or r in pooled)
    return sets


def _kept_sets(
    kept: Sequence[Sequence[str]],
    invited: Mapping[str, int],
    submitted: Mapping[str, int],
    declined: Mapping[str, int] | None,
    k: int,
) -> tuple[CountSet, ...]:
    if sorted(r for members in kept for r in members) != sorted(OBSERVERS):
        raise ValueError(f"kept sets must cover {', '.join(OBSERVERS)} once each, got {kept!r}")
    sets = []
    for all_members in kept:
        members = tuple(r for r in OBSERVERS if r in all_members and invited[r])
        if not members:
            continue
        shown = _sum(invited, members) >= k
        sets.append(
            CountSet(
                key=_kept_key(all_members, len(kept)),
                label=group_label(members),
                members=members,
                invited=_sum(invited, members),
                answered=_sum(submitted, members) if shown else None,
                declined=_sum(declined, members) if shown and declined is not None else None,
            )
        )
    return tuple(sets)


def _kept_key(members: Sequence[str], sets: int) -> str:
    if sets == 1:
        return EVERYONE
    return members[0] if len(members) == 1 else COMBINED


def _counts(counts: Mapping[str, int], what: str) -> dict[str, int]:
    unknown = set(counts) - set(RELATIONSHIPS)
    if unknown:
        raise ValueError(f"{what}: unknown relationship(s) {sorted(unknown)}")
    result = {}
    for relationship in RELATIONSHIPS:
        count = counts.get(relationship, 0)
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 0:
            raise ValueError(f"{what}: {relationship} must be a whole number >= 0, got {count!r}")
        result[relationship] = int(count)
    return result


def _sum(counts: Mapping[str, int], members: Sequence[str]) -> int:
    return sum(counts[member] for member in members)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)

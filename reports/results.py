"""The typed results of a round and their JSON document (docs/scoring.md, "Results document")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from reports.response_counts import CountSet, invited_by_relationship, visible_response_counts

# Published numbers carry two decimals; the dataclasses keep full precision.
DECIMALS = 2


@dataclass(frozen=True)
class Group:
    """A published block of raters: who is in it (relationships) and how many submitted."""

    key: str
    label: str
    members: tuple[str, ...]
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "members": list(self.members), "n": self.n}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Group:
        return cls(data["key"], data["label"], tuple(data["members"]), int(data["n"]))


@dataclass(frozen=True)
class Agreement:
    """How far the others agree on a skill: sample sd, rwg, and whether views are mixed."""

    sd: float | None
    rwg: float | None
    mixed_views: bool

    def to_dict(self) -> dict[str, Any]:
        return {"sd": _rounded(self.sd), "rwg": _rounded(self.rwg), "mixed_views": self.mixed_views}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Agreement:
        return cls(_number(data["sd"]), _number(data["rwg"]), bool(data["mixed_views"]))


@dataclass(frozen=True)
class ItemResult:
    """One item: published scores and n by group key; the others' distribution, if published."""

    id: str
    text: str
    scores: Mapping[str, float]
    n: Mapping[str, int]
    distribution: Mapping[str, int] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "scores": rounded_values(self.scores),
            "n": dict(self.n),
            "distribution": None if self.distribution is None else dict(self.distribution),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemResult:
        distribution = data["distribution"]
        return cls(
            id=data["id"],
            text=data["text"],
            scores=_float_values(data["scores"]),
            n=_int_values(data["n"]),
            distribution=None if distribution is None else _int_values(distribution),
        )


@dataclass(frozen=True)
class SkillResult:
    """One skill: published scores and n by group key, the others' interval, gap and agreement.

    `group_detail_hidden` (in the document too, a boolean per skill) is True when the round
    shows groups but this skill and its items show only "others" and self: some group counted
    fewer than k raters on the skill or on one of its items, and showing the groups would let
    someone work out what one person said (docs/scoring.md, step 5).
    """

    id: str
    name: str
    scores: Mapping[str, float]
    n: Mapping[str, int]
    ci90: tuple[float, float] | None
    gap: float | None
    flag: str | None  # None, "blind_spot" or "hidden_strength"
    agreement: Agreement | None
    items: tuple[ItemResult, ...]
    group_detail_hidden: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scores": rounded_values(self.scores),
            "n": dict(self.n),
            "ci90": None if self.ci90 is None else [_rounded(bound) for bound in self.ci90],
            "gap": _rounded(self.gap),
            "flag": self.flag,
            "agreement": None if self.agreement is None else self.agreement.to_dict(),
            "group_detail_hidden": self.group_detail_hidden,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], groups: Sequence[Group] = ()) -> SkillResult:
        """`groups`: the round's, to tell whether a document stored before the skill-wide
        decision (without "group_detail_hidden") withheld a block for this skill."""
        ci90 = data["ci90"]
        agreement = data["agreement"]
        hidden = data.get("group_detail_hidden")
        items = tuple(ItemResult.from_dict(item) for item in data["items"])
        scores, n = _float_values(data["scores"]), _int_values(data["n"])
        if hidden is None:
            # Stored before the skill-wide decision: a block withheld from the skill or from
            # any one of its items now withholds every block of the skill and its items, so an
            # old document shows no more than the rule allows today.
            blocks = [g.key for g in groups if g.key not in ("self", "manager", "others")]
            published = [scores, *(item.scores for item in items)]
            hidden = any(key not in values for key in blocks for values in published)
            if hidden:
                scores, n = _self_and_others(scores), _self_and_others(n)
                items = tuple(
                    replace(item, scores=_self_and_others(item.scores), n=_self_and_others(item.n))
                    for item in items
                )
        return cls(
            id=data["id"],
            name=data["name"],
            scores=scores,
            n=n,
            ci90=None if ci90 is None else (float(ci90[0]), float(ci90[1])),
            gap=_number(data["gap"]),
            flag=data["flag"],
            agreement=None if agreement is None else Agreement.from_dict(agreement),
            items=items,
            group_detail_hidden=bool(hidden),
        )


@dataclass(frozen=True)
class SkillChange:
    """One skill's change since the previous round (docs/scoring.md, "Change since the
    last round"); self only where published in both rounds, never with an rci."""

    before: float
    now: float
    delta: float
    rci: float
    reliable: bool
    direction: str | None  # "up" or "down" when reliable, else None
    self_before: float | None
    self_now: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": _rounded(self.before),
            "now": _rounded(self.now),
            "delta": _rounded(self.delta),
            "rci": _rounded(self.rci),
            "reliable": self.reliable,
            "direction": self.direction,
            "self_before": _rounded(self.self_before),
            "self_now": _rounded(self.self_now),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillChange:
        return cls(
            before=float(data["before"]),
            now=float(data["now"]),
            delta=float(data["delta"]),
            rci=float(data["rci"]),
            reliable=bool(data["reliable"]),
            direction=data["direction"],
            self_before=_number(data.get("self_before")),
            self_now=_number(data.get("self_now")),
        )


@dataclass(frozen=True)
class Change:
    """The change since the previous round: its id and, in the instrument's order, every skill
    whose all-others score is published in both rounds."""

    previous_round_id: str
    skills: Mapping[str, SkillChange]

    @property
    def reliable(self) -> dict[str, SkillChange]:
        return {skill_id: c for skill_id, c in self.skills.items() if c.reliable}

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_round_id": self.previous_round_id,
            "skills": {skill_id: change.to_dict() for skill_id, change in self.skills.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            previous_round_id=data["previous_round_id"],
            skills={
                skill_id: SkillChange.from_dict(change)
                for skill_id, change in data["skills"].items()
            },
        )


@dataclass(frozen=True)
class Norm:
    """Where this round's all-others score on a skill falls among colleagues' (docs/scoring.md,
    "Organisation norms"): a percentile from 0 to 100 and how many colleagues' rounds."""

    percentile: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"percentile": self.percentile, "n": self.n}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Norm:
        return cls(percentile=int(data["percentile"]), n=int(data["n"]))


@dataclass(frozen=True)
class Results:
    """Everything the subject may see about one closed round; `to_dict()` is the API's JSON.

    Its "responses" are {"invited": {relationship: count, ... self included}, "sets": [{"key",
    "label", "members", "invited", "submitted", "declined"}, ...]}: the sets of
    reports.response_counts, whose submitted and declined are null for a set of fewer than k
    invited (docs/scoring.md, "Response counts"). Exact submitted counts per relationship are
    not kept, not even here: what a version publishes is all the next one is compared with
    (reports.aggregate.late_update_allowed).
    """

    round_id: str
    instrument_id: str
    instrument_version: str
    anonymity_threshold: int
    gap_threshold: float
    too_few_raters: bool  # True when nothing but self is published
    invited: Mapping[str, int]  # per relationship, self included: always shown
    responses: tuple[CountSet, ...]  # submitted and declined only for sets of >= k invited
    groups: tuple[Group, ...]
    skills: tuple[SkillResult, ...]
    strengths: tuple[str, ...]
    development_areas: tuple[str, ...]
    focus_skills: tuple[str, ...]
    top_items: tuple[str, ...]
    bottom_items: tuple[str, ...]
    comments: Mapping[str, tuple[str, ...]]
    # None for a round with no previous round to compare with (reports.change).
    change: Change | None = None
    # By skill id, only skills with a norm set of at least 10 rounds (reports.norms); empty
    # when none has, and then absent from the document.
    norms: Mapping[str, Norm] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document = {
            "round_id": self.round_id,
            "instrument": {"id": self.instrument_id, "version": self.instrument_version},
            "anonymity_threshold": self.anonymity_threshold,
            "gap_threshold": self.gap_threshold,
            "too_few_raters": self.too_few_raters,
            "responses": {
                "invited": dict(self.invited),
                "sets": [count_set.to_dict() for count_set in self.responses],
            },
            "groups": [group.to_dict() for group in self.groups],
            "skills": [skill.to_dict() for skill in self.skills],
            "strengths": list(self.strengths),
            "development_areas": list(self.development_areas),
            "focus_skills": list(self.focus_skills),
            "top_items": list(self.top_items),
            "bottom_items": list(self.bottom_items),
            "comments": {key: list(texts) for key, texts in self.comments.items()},
        }
        if self.change is not None:
            document["change"] = self.change.to_dict()
        if self.norms:
            document["norms"] = {skill_id: norm.to_dict() for skill_id, norm in self.norms.items()}
        return document

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Results:
        """Load a stored document back; numbers keep the two decimals they were stored with."""
        groups = tuple(Group.from_dict(group) for group in data["groups"])
        return cls(
            round_id=data["round_id"],
            instrument_id=data["instrument"]["id"],
            instrument_version=data["instrument"]["version"],
            anonymity_threshold=int(data["anonymity_threshold"]),
            gap_threshold=float(data["gap_threshold"]),
            too_few_raters=bool(data["too_few_raters"]),
            invited=invited_by_relationship(data["responses"]["invited"]),
            responses=_responses(data),
            groups=groups,
            skills=tuple(SkillResult.from_dict(skill, groups) for skill in data["skills"]),
            strengths=tuple(data["strengths"]),
            development_areas=tuple(data["development_areas"]),
            focus_skills=tuple(data["focus_skills"]),
            top_items=tuple(data["top_items"]),
            bottom_items=tuple(data["bottom_items"]),
            comments={key: tuple(texts) for key, texts in data["comments"].items()},
            # A document stored before changes were computed has none.
            change=Change.from_dict(data["change"]) if "change" in data else None,
            # Nor norms, when no skill had enough colleagues to compare with.
            norms={
                skill_id: Norm.from_dict(norm) for skill_id, norm in data.get("norms", {}).items()
            },
        )


def _responses(data: Mapping[str, Any]) -> tuple[CountSet, ...]:
    """The response counts of a stored document. One stored before the "Response counts"
    rule carries exact submitted counts per relationship: they are read into the sets that
    rule allows (without declined counts, which it did not hold), never kept as they were."""
    responses = data["responses"]
    if "sets" in responses:
        return tuple(CountSet.from_dict(count_set) for count_set in responses["sets"])
    return visible_response_counts(
        responses["invited"], responses["submitted"], None, int(data["anonymity_threshold"])
    )


def _rounded(value: float | None) -> float | None:
    # float() first: round() of a numpy float returns a numpy float, which JSON encoders refuse;
    # + 0.0 turns a -0.0 (a gap of -0.001) into 0.0.
    return None if value is None else round(float(value), DECIMALS) + 0.0


def rounded_values(values: Mapping[str, float]) -> dict[str, float]:
    """{group key: score} rounded as every results document stores scores."""
    return {key: _rounded(value) for key, value in values.items()}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _self_and_others(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in ("self", "others")}


def _float_values(values: Mapping[str, Any]) -> dict[str, float]:
    return {key: float(value) for key, value in values.items()}


def _int_values(values: Mapping[str, Any]) -> dict[str, int]:
    return {key: int(value) for key, value in values.items()}

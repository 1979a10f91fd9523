"""The scoring and anonymity rules of docs/scoring.md, vectorised: answers in, Results out.

The steps that a pulse applies in the same way (reports.pulse) are public: the answers as
arrays (Layout, RoundAnswers), the blocks (respondent_groups), the group means
(group_means), what may be published (publishable, published_values, distributions,
published_comments), and the input checks (require_columns, positions, answer_matrix).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from reports.anonymity import threshold_problem
from reports.response_counts import invited_by_relationship, partition, visible_response_counts
from reports.results import Agreement, Group, ItemResult, Results, SkillResult
from surveys.relationships import OBSERVERS, POOLABLE, RELATIONSHIPS, group_label

if TYPE_CHECKING:
    from surveys.instrument import Instrument

SCALE = (1, 2, 3, 4, 5)
ANSWER_COLUMNS = ("rater_id", "relationship", "item_id", "score")
COMMENT_COLUMNS = ("rater_id", "relationship", "key", "text")
UNIFORM_NULL_VARIANCE = 2.0  # variance of uniformly random answers on a 5-point scale
MIXED_VIEWS_RWG = 0.70
MIXED_VIEWS_MIN_N = 3
STRENGTHS = 2
DEVELOPMENT_AREAS = 2
MAX_FOCUS_SKILLS = 3
TOP_ITEMS = 5
# Values closer than this compare equal, so float noise (3.4999999999999996 against 3.5)
# never decides a flag, a threshold or a tie.
TOLERANCE = 1e-9
RANK_DECIMALS = 9


@dataclass(frozen=True)
class ScoringSettings:
    """The settings of docs/scoring.md: k, the gap that makes a flag, the interval's confidence."""

    anonymity_threshold: int = 3
    gap_threshold: float = 1.0
    confidence: float = 0.90

    def __post_init__(self) -> None:
        k = self.anonymity_threshold
        if problem := threshold_problem(k):
            raise ValueError(f"anonymity_threshold {problem}, got {k!r}")
        if not 0 <= self.gap_threshold < float("inf"):
            raise ValueError(f"gap_threshold must be finite and >= 0, got {self.gap_threshold!r}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must lie between 0 and 1, got {self.confidence!r}")


def plan_groups(submitted: Mapping[str, int], k: int) -> tuple[Group, ...]:
    """The round's published blocks from submitted counts per relationship (steps 1-4).

    Order: self, manager, the peer / direct report / other blocks, combined, others. A pooled
    block too small to stand alone is merged into the smallest block of its own (the receiving
    block keeps its key; members and label name everyone in it). When no block of peers, direct
    reports or others reaches k, only "others" (manager folded in) is published, if it reaches
    k; when it does not, only self is.
    """
    count = {relationship: int(submitted.get(relationship, 0)) for relationship in RELATIONSHIPS}
    blocks = partition(count, k, POOLABLE)
    observers = tuple(relationship for relationship in OBSERVERS if count[relationship])

    def group(key: str, members: tuple[str, ...], name: str | None = None) -> Group:
        return Group(key, name or group_label(members), members, sum(count[m] for m in members))

    groups = [group("self", ("self",))] if count["self"] else []
    if blocks:
        if count["manager"]:
            groups.append(group("manager", ("manager",)))
        groups.extend(group(key, members) for key, members in blocks.items())
    if observers and (blocks or sum(count[r] for r in observers) >= k):
        groups.append(group("others", observers, "All others"))
    return tuple(groups)


def aggregate(
    answers: pd.DataFrame,
    comments: pd.DataFrame,
    instrument: Instrument,
    settings: ScoringSettings,
    *,
    round_id: str,
    invited: Mapping[str, int],
    subject_first_name: str,
    seed: int,
    declined: Mapping[str, int] | None = None,
    count_sets: Sequence[Sequence[str]] | None = None,
) -> Results:
    """Score one closed round under docs/scoring.md.

    `answers`: one row per (rater, item) of submitted responses only, with columns rater_id,
    relationship, item_id and score (1-5, NaN for "don't know"); an item missing for a rater
    counts as N/A. `comments`: rater_id, relationship, key (skill or question id), text; those of
    raters absent from `answers` (not submitted) are ignored. `invited`: invitations per
    relationship (every rater, whatever their response); `declined`: declines per relationship,
    or None when unknown (the document's declined counts are then null). Both feed the
    response counts, which follow the "Response counts" rule; ValueError when more raters
    submitted or declined than were invited. `count_sets`: the sets the round's response
    counts were fixed in at launch (reports.response_counts.launch_partition), if any.
    `seed` fixes the comments' order for the round.
    Of the instrument only ids, skill names, items' observer wording and question ids are used.

    Readings of the rules where docs/scoring.md leaves room: a skill is never both a strength
    and a development area, nor an item both a top and a bottom item (the highest are taken
    first; this only matters when fewer than 4 skills or 10 items are published); ties are
    compared at 9 decimals so float noise never breaks them; the interval is not clipped to
    the 1-5 scale; "self outside the interval" means strictly outside.
    """
    k = settings.anonymity_threshold
    layout = Layout.of(instrument)
    round_ = RoundAnswers.of(answers, layout)
    submitted, groups, keys, members = respondent_groups(round_.relationship, k)
    skill_mean, skill_n = group_means(round_.skill_scores, members)
    item_mean, item_n = group_means(round_.answers, members)
    skill_published, item_published, detail_hidden = publishable(
        skill_n, item_n, layout.skill_codes, keys, k
    )
    insights = _insights(round_, members, keys, skill_mean, skill_n, skill_published, settings)
    item_distributions = distributions(round_, members, keys, item_published)

    item_results = {
        item.id: ItemResult(
            id=item.id,
            text=item.text_for("observer", subject_first_name),
            scores=published_values(item_mean[i], item_published[i], keys, float),
            n=published_values(item_n[i], item_published[i], keys, int),
            distribution=item_distributions[i],
        )
        # The layout lists the items in this same order.
        for i, item in enumerate(item for skill in instrument.skills for item in skill.items)
    }
    skill_results = tuple(
        SkillResult(
            id=skill.id,
            name=skill.name,
            scores=published_values(skill_mean[j], skill_published[j], keys, float),
            n=published_values(skill_n[j], skill_published[j], keys, int),
            **insights[j],
            items=tuple(item_results[item.id] for item in skill.items),
            group_detail_hidden=bool(detail_hidden[j]),
        )
        for j, skill in enumerate(instrument.skills)
    )

    others = keys.index("others") if "others" in keys else None
    skill_ids = list(layout.skill_ids)
    others_skill = _column(skill_mean, skill_published, others)
    strengths = _ranked(skill_ids, others_skill, highest_first=True)[:STRENGTHS]
    # Never both a strength and a development area (possible when few skills are published).
    not_strengths = np.where(np.isin(skill_ids, strengths), np.nan, others_skill)
    development_areas = _ranked(skill_ids, not_strengths)[:DEVELOPMENT_AREAS]
    blind_spots = [entry["flag"] == "blind_spot" for entry in insights]
    focus = np.where(np.isin(skill_ids, development_areas) | blind_spots, others_skill, np.nan)
    item_ids = list(layout.item_ids)
    others_item = _column(item_mean, item_published, others)
    top_items = _ranked(item_ids, others_item, highest_first=True)[:TOP_ITEMS]
    bottom_items = _ranked(item_ids, np.where(np.isin(item_ids, top_items), np.nan, others_item))

    return Results(
        round_id=round_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        anonymity_threshold=k,
        gap_threshold=settings.gap_threshold,
        too_few_raters=all(key == "self" for key in keys),
        invited=invited_by_relationship(invited),
        responses=visible_response_counts(invited, submitted, declined, k, count_sets),
        groups=groups,
        skills=skill_results,
        strengths=tuple(strengths),
        development_areas=tuple(development_areas),
        focus_skills=tuple(_ranked(skill_ids, focus)[:MAX_FOCUS_SKILLS]),
        top_items=tuple(top_items),
        bottom_items=tuple(bottom_items[:TOP_ITEMS]),
        comments=published_comments(comments, round_, layout, k, seed),
    )


def skill_scores_by_block(
    answers: pd.DataFrame, item_skill: pd.Series | Mapping[str, str]
) -> pd.DataFrame:
    """Rater-weighted skill scores of many rounds in one pass, for organisation-wide figures.

    `answers` holds round_id, rater_id, relationship, item_id and score for the submitted
    responses of any number of rounds (categorical columns keep memory low); `item_skill` maps
    every item id of the instrument to its skill id. Rater skill scores follow the 50% rule.

    Returns one row per (round_id, skill, group) that has at least one counted rater, with
    columns round_id, skill, group, score (mean of the counted raters' skill scores) and n
    (counted raters). `group` is each relationship on its own (self, manager, peer,
    direct_report, other: before any pooling or merging) plus "others" (every non-self rater).
    Nothing is suppressed here: a caller that shows any of it must apply the threshold k
    (organisation norms only use "others" rows with n >= k).
    """
    layout = Layout.from_item_skill(item_skill)
    columns = ["round_id", "rater_id", "relationship", "score"]
    require_columns(answers, [*columns, "item_id"], "answers")
    frame = answers[columns].assign(skill=layout.columns(answers["item_id"])[1])
    rater_skills = _rater_skill_scores(frame, layout.items_per_skill, by=["round_id"])
    keys = ["round_id", "skill"]
    by_relationship = rater_skills.groupby([*keys, "relationship"], observed=True)["score"]
    others = rater_skills[rater_skills["relationship"] != "self"].groupby(keys, observed=True)
    group_type = pd.CategoricalDtype([*RELATIONSHIPS, "others"])
    table = pd.concat(
        [
            by_relationship.agg(["mean", "count"]).reset_index(),
            others["score"].agg(["mean", "count"]).reset_index().assign(relationship="others"),
        ],
        ignore_index=True,
    )
    return pd.DataFrame(
        {
            "round_id": table["round_id"],
            "skill": table["skill"],
            "group": table["relationship"].astype(str).astype(group_type),
            "score": table["mean"],
            "n": table["count"].astype("int32"),
        }
    )


def late_update_allowed(released: Results, candidate: Results) -> bool:
    """Whether `candidate` (recomputed with late responses) may replace `released` results.

    The Timing rule of docs/scoring.md: every block that changes (a published group, by key:
    published in one version only, or with another n), other than self and manager, gained at
    least k new responses, "others" included; self alone never changes released results.
    Decided from what the two versions publish, nothing else (released results are a stored
    document, without exact counts per relationship), and stricter where the rule alone
    would let a difference single someone out:

    - Nobody moved: a relationship with released raters stays in the block it was in, and no
      relationship with released raters joins it (else the old block minus the new one is the
      mover). So a round that showed "others" alone keeps showing it alone: showing the
      manager next to it would leave the released "others" minus the manager.
    - A published manager group never changes: its difference would be the late manager.
    - Value by value (each skill and item, each group), what a group published in both
      versions gained is none or at least k raters: late raters who answered "don't know" to
      an item must not leave fewer than k new answers there. A group published for a value
      only now must hold no released rater when the released version published anything
      besides self for that value (it would split up a released "others").

    New responses of a block are the growth of its n. When the released version published no
    one besides self (too few raters), they are counted from below: at most k - 1 raters
    besides self had answered, and no more than each set of the released response counts
    showed or invited. Both must be results of the same round, instrument and threshold k.
    """
    same = ("round_id", "instrument_id", "instrument_version", "anonymity_threshold")
    if any(getattr(released, name) != getattr(candidate, name) for name in same):
        raise ValueError("late_update_allowed compares two versions of the same round's results")
    if [skill.id for skill in released.skills] != [skill.id for skill in candidate.skills]:
        raise ValueError("late_update_allowed compares results of the same instrument")
    if released.to_dict() == candidate.to_dict():
        return False  # nothing new
    k = released.anonymity_threshold
    before = {group.key: group for group in released.groups if group.key != "self"}
    after = {group.key: group for group in candidate.groups if group.key != "self"}
    # The relationships with released raters, when the released version shows any.
    settled = set(before["others"].members) if "others" in before else None
    if settled is not None and not _nobody_moved(before, after, settled):
        return False
    changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    if "manager" in before and "manager" in changed:
        return False
    blocks = [key for key in changed if key != "manager"]
    if not blocks:
        # Only response counts moved, or self: a late self-assessment alone changes nothing.
        return _self_group(released) == _self_group(candidate)
    for key in blocks:
        if key not in after or (key in before and after[key].n < before[key].n):
            return False  # a response vanished: not a late update
        if settled is not None:
            new = after[key].n - (before[key].n if key in before else 0)
        else:
            new = after[key].n - _most_released(released, after[key].members)
        if new < k:
            return False
    return _values_gain_k_or_none(released, candidate, after, settled, k)


def _nobody_moved(
    before: Mapping[str, Group], after: Mapping[str, Group], settled: set[str]
) -> bool:
    """Whether every relationship with released raters is in the block of the same key in
    both versions ("others" alone counting as no block), with the same released company."""

    def block_of(groups: Mapping[str, Group], relationship: str) -> str | None:
        return next(
            (
                key
                for key, group in groups.items()
                if key != "others" and relationship in group.members
            ),
            None,
        )

    for relationship in settled:
        key = block_of(before, relationship)
        if block_of(after, relationship) != key:
            return False
        if key is not None and set(after[key].members) & settled != set(before[key].members):
            return False
    return True


def _most_released(released: Results, members: Sequence[str]) -> int:
    """The most raters of these relationships who can have answered by the released version
    that published no one besides self: fewer than k in all, and no more than each set of
    its response counts showed (or invited, where it showed no count)."""
    most = 0
    for count_set in released.responses:
        inside = [member for member in count_set.members if member in members]
        if inside:
            invited = sum(released.invited.get(member, 0) for member in inside)
            most += invited if count_set.answered is None else min(count_set.answered, invited)
    counted = {member for count_set in released.responses for member in count_set.members}
    most += sum(released.invited.get(m, 0) for m in members if m not in counted)
    return min(most, released.anonymity_threshold - 1)


def _self_group(results: Results) -> Group | None:
    return next((group for group in results.groups if group.key == "self"), None)


def _values_gain_k_or_none(
    released: Results,
    candidate: Results,
    after: Mapping[str, Group],
    settled: set[str] | None,
    k: int,
) -> bool:
    """Whether, for every skill and item, each group published in both versions gained no
    rater or at least k (a manager group: none), and each group published there only in the
    candidate holds no released rater, unless the released version showed no one there."""
    for old_skill, new_skill in zip(released.skills, candidate.skills, strict=True):
        pairs = [(old_skill.n, new_skill.n)]
        pairs += [(old.n, new.n) for old, new in zip(old_skill.items, new_skill.items, strict=True)]
        for old_n, new_n in pairs:
            shown_before = any(key != "self" for key in old_n)
            for key, n in new_n.items():
                if key == "self":
                    continue
                if key in old_n:
                    gained = n - old_n[key]
                    if gained < 0 or (gained and key == "manager") or 0 < gained < k:
                        return False
                elif shown_before and settled is not None and settled & set(after[key].members):
                    return False
    return True


@dataclass(frozen=True)
class Layout:
    """The instrument's structure as arrays: items in order and the skill of each."""

    item_ids: pd.Index
    skill_ids: pd.Index
    skill_codes: np.ndarray  # the position in skill_ids of every item's skill
    items_per_skill: np.ndarray
    comment_keys: pd.Index

    @classmethod
    def of(cls, instrument: Instrument) -> Layout:
        item_skill = {item.id: skill.id for skill in instrument.skills for item in skill.items}
        keys = [skill.id for skill in instrument.skills] + [q.id for q in instrument.questions]
        return cls.from_item_skill(item_skill, comment_keys=keys)

    @classmethod
    def from_item_skill(
        cls, item_skill: pd.Series | Mapping[str, str], comment_keys: Sequence[str] = ()
    ) -> Layout:
        item_skill = pd.Series(item_skill, dtype=object)
        skill_ids = pd.Index(pd.unique(item_skill.to_numpy()), dtype=object)
        skill_codes = skill_ids.get_indexer(item_skill.to_numpy())
        return cls(
            item_ids=pd.Index(item_skill.index, dtype=object),
            skill_ids=skill_ids,
            skill_codes=skill_codes,
            items_per_skill=np.bincount(skill_codes, minlength=len(skill_ids)),
            comment_keys=pd.Index(comment_keys, dtype=object),
        )

    def columns(self, item_ids: pd.Series) -> tuple[np.ndarray, pd.Categorical]:
        """Item positions and the items' skills (categorical); ValueError for an unknown item."""
        items = positions(item_ids, self.item_ids)
        if (items < 0).any():
            raise ValueError("answers: item id(s) not in the instrument")
        return items, pd.Categorical.from_codes(self.skill_codes[items], self.skill_ids)


def positions(values: pd.Series, known: pd.Index) -> np.ndarray:
    """The position of every value in `known`, -1 for an unknown one."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Through the categories: a few lookups instead of one per row. The appended -1 is
        # what code -1 (a missing value) picks.
        lookup = np.append(known.get_indexer(values.cat.categories), -1)
        return lookup[values.cat.codes.to_numpy()]
    return known.get_indexer(values)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """ValueError naming the columns `frame` (called `what` in the message) lacks."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


@dataclass(frozen=True)
class RoundAnswers:
    """One round's submitted answers as arrays: a row per rater, in order of first answer."""

    rater_ids: pd.Index
    relationship: np.ndarray  # position in RELATIONSHIPS, per rater
    answers: np.ndarray  # rater x item, NaN for N/A (or no answer)
    skill_scores: np.ndarray  # rater x skill, NaN where the rater does not count (50% rule)

    @classmethod
    def of(cls, answers: pd.DataFrame, layout: Layout) -> RoundAnswers:
        """The arrays of validated answers, or ValueError naming what is wrong."""
        require_columns(answers, ANSWER_COLUMNS, "answers")
        relationship = positions(answers["relationship"], pd.Index(RELATIONSHIPS))
        if (relationship < 0).any():
            unknown = answers["relationship"][relationship < 0].unique()
            raise ValueError(f"answers: unknown relationship(s) {sorted(map(str, unknown))}")
        items, skills = layout.columns(answers["item_id"])
        score = pd.to_numeric(answers["score"]).to_numpy(dtype=float)
        if not (np.isnan(score) | np.isin(score, SCALE)).all():
            raise ValueError("answers: a score must be an integer from 1 to 5, or NaN for N/A")
        rater, rater_ids, rater_relationship, matrix = answer_matrix(
            answers["rater_id"], relationship, items, score, len(layout.item_ids), "an item"
        )
        frame = pd.DataFrame(
            {
                "rater_id": pd.Categorical.from_codes(rater, rater_ids),
                "relationship": pd.Categorical.from_codes(relationship, RELATIONSHIPS),
                "skill": skills,
                "score": score,
            }
        )
        counted = _rater_skill_scores(frame, layout.items_per_skill)
        skill_scores = np.full((len(rater_ids), len(layout.skill_ids)), np.nan)
        skill_scores[counted["rater_id"].cat.codes, counted["skill"].cat.codes] = counted["score"]
        return cls(rater_ids, rater_relationship, matrix, skill_scores)


def answer_matrix(
    rater_id: pd.Series,
    relationship: np.ndarray,
    column: np.ndarray,
    score: np.ndarray,
    width: int,
    what: str,
) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray]:
    """Answer rows (rater id, relationship code, column position, score) as a rater x column
    matrix, NaN where a rater gave no score: each row's rater code, the rater ids in order of
    first answer, each rater's relationship code and the matrix. ValueError for a missing
    rater id, two answers of a rater to one column (`what` names the column in the message),
    or a rater with two relationships."""
    rater, rater_ids = pd.factorize(rater_id)
    if (rater < 0).any():
        raise ValueError("answers: a rater_id is missing")
    shape = (len(rater_ids), width)
    cells = np.ravel_multi_index((rater, column), shape)
    if len(np.unique(cells)) < len(cells):
        raise ValueError(f"answers: more than one answer of a rater to {what}")
    rater_relationship = np.zeros(shape[0], dtype=np.int8)
    rater_relationship[rater] = relationship
    if (rater_relationship[rater] != relationship).any():
        raise ValueError("answers: a rater appears with more than one relationship")
    matrix = np.full(shape, np.nan)
    matrix[rater, column] = score
    return rater, rater_ids, rater_relationship, matrix


def _rater_skill_scores(
    frame: pd.DataFrame, items_per_skill: np.ndarray, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Each rater's skill score (mean of their non-N/A answers), for the skills they count in.

    A rater counts for a skill when they answered at least half of its items; N/A answers
    (NaN) are in neither the numerator nor the denominator.
    """
    keys = [*by, "rater_id", "relationship", "skill"]
    stats = frame.groupby(keys, observed=True, sort=False)["score"].agg(["count", "mean"])
    stats = stats.reset_index()
    items = items_per_skill[stats["skill"].cat.codes.to_numpy()]
    counted = stats[2 * stats["count"].to_numpy() >= items]
    # float64 whatever the input: means of means should not lose digits to float32.
    return counted.drop(columns="count").rename(columns={"mean": "score"}).astype({"score": float})


def respondent_groups(
    relationship: np.ndarray, k: int
) -> tuple[dict[str, int], tuple[Group, ...], list[str], np.ndarray]:
    """From each respondent's relationship code: the submitted count per relationship, the
    published blocks (plan_groups), their keys, and the respondent x group membership."""
    submitted = dict(
        zip(
            RELATIONSHIPS,
            np.bincount(relationship, minlength=len(RELATIONSHIPS)).tolist(),
            strict=True,
        )
    )
    groups = plan_groups(submitted, k)
    return submitted, groups, [group.key for group in groups], _member_matrix(relationship, groups)


def _member_matrix(relationship: np.ndarray, groups: Sequence[Group]) -> np.ndarray:
    """rater x group: True where the rater is in the group (a non-self rater is in two)."""
    by_relationship = np.array(
        [[relationship_ in group.members for group in groups] for relationship_ in RELATIONSHIPS],
        dtype=bool,
    ).reshape(len(RELATIONSHIPS), len(groups))
    return by_relationship[relationship]


def group_means(values: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """column x group: the mean of each group's non-NaN values (every rater weighs the same), n."""
    present = ~np.isnan(values)
    n = present.T.astype(np.int64) @ members.astype(np.int64)
    sums = np.where(present, values, 0.0).T @ members.astype(float)
    return np.divide(sums, n, out=np.full(n.shape, np.nan), where=n > 0), n


def publishable(
    skill_n: np.ndarray, item_n: np.ndarray, item_skill: np.ndarray, keys: Sequence[str], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which (skill, group) and (item, group) values may be published: steps 5 and 6 of
    docs/scoring.md, and per skill whether its group detail is withheld.

    One decision per skill covers the skill and all of its items: every group when every
    shown peer / direct report / other / combined block counts at least k raters for the
    skill and for each of its items; otherwise "others" alone, on each row where it counts
    at least k; self always. Deciding row by row would leak: a group's withheld item value
    follows from its published skill score and its other item scores, and subtracted from
    the published "others" it exposes fewer than k raters. So "others" minus every published
    block is only ever the manager group, at every level of a skill.
    `item_skill` holds the position of every item's skill.
    """
    blocks = [j for j, key in enumerate(keys) if key not in ("self", "manager", "others")]
    if blocks:
        item_short = ~(item_n[:, blocks] >= k).all(axis=1)
        items_short = np.bincount(item_skill, weights=item_short, minlength=len(skill_n))
        everything = (skill_n[:, blocks] >= k).all(axis=1) & (items_short == 0)
    else:
        everything = np.zeros(len(skill_n), dtype=bool)

    def decide(n: np.ndarray, everything: np.ndarray) -> np.ndarray:
        published = np.repeat(everything[:, np.newaxis], len(keys), axis=1)
        if "others" in keys:
            published[:, keys.index("others")] |= n[:, keys.index("others")] >= k
        if "self" in keys:
            published[:, keys.index("self")] = True
        return published & (n > 0)

    # With no block at all there is no group detail to withhold (only "others" is shown).
    detail_hidden = ~everything if blocks else everything
    return decide(skill_n, everything), decide(item_n, everything[item_skill]), detail_hidden


def published_values(
    values: np.ndarray, published: np.ndarray, keys: Sequence[str], cast: type
) -> dict[str, Any]:
    """{group key: value} of the published values only: a suppressed value is absent."""
    return {
        key: cast(value) for key, value, shown in zip(keys, values, published, strict=True) if shown
    }


def _column(table: np.ndarray, published: np.ndarray, column: int | None) -> np.ndarray:
    """One group's published values, NaN where suppressed (all NaN for an absent group)."""
    if column is None:
        return np.full(len(table), np.nan)
    return np.where(published[:, column], table[:, column], np.nan)


def _insights(
    round_: RoundAnswers,
    members: np.ndarray,
    keys: Sequence[str],
    mean: np.ndarray,
    n: np.ndarray,
    published: np.ndarray,
    settings: ScoringSettings,
) -> list[dict[str, Any]]:
    """Per skill: the others' interval, the gap and its flag, and the others' agreement."""
    if "others" not in keys:
        return [{"ci90": None, "gap": None, "flag": None, "agreement": None} for _ in mean]
    others = keys.index("others")
    others_mean = _column(mean, published, others)
    others_n = np.where(published[:, others], n[:, others], 0)
    sd = np.where(others_n >= 2, _sample_sd(round_.skill_scores[members[:, others]]), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stdtrit(np.maximum(others_n - 1, 1), 1 - (1 - settings.confidence) / 2)
        half_width = t * sd / np.sqrt(others_n)
    low, high = others_mean - half_width, others_mean + half_width
    self_score = _column(mean, published, keys.index("self") if "self" in keys else None)
    gap = self_score - others_mean
    threshold = settings.gap_threshold - TOLERANCE
    blind_spot = (gap >= threshold) & (self_score > high + TOLERANCE)
    hidden_strength = (gap <= -threshold) & (self_score < low - TOLERANCE)
    flag = np.select([blind_spot, hidden_strength], ["blind_spot", "hidden_strength"], "")
    rwg = np.clip(1 - sd**2 / UNIFORM_NULL_VARIANCE, 0, 1)
    mixed = (others_n >= MIXED_VIEWS_MIN_N) & (rwg < MIXED_VIEWS_RWG - TOLERANCE)
    return [
        {
            "ci90": None if np.isnan(low[j]) else (float(low[j]), float(high[j])),
            "gap": _optional(gap[j]),
            "flag": str(flag[j]) or None,
            "agreement": None
            if np.isnan(others_mean[j])
            else Agreement(_optional(sd[j]), _optional(rwg[j]), bool(mixed[j])),
        }
        for j in range(len(mean))
    ]


def _sample_sd(values: np.ndarray) -> np.ndarray:
    """Per column, the sample sd (ddof=1) of the non-NaN values; NaN below 2 values."""
    present = ~np.isnan(values)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, values, 0.0).sum(axis=0) / n
        squares = np.where(present, (values - mean) ** 2, 0.0).sum(axis=0)
        return np.where(n >= 2, np.sqrt(squares / (n - 1)), np.nan)


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def distributions(
    round_: RoundAnswers,
    members: np.ndarray,
    keys: Sequence[str],
    published: np.ndarray,
    scale: Sequence[int] = SCALE,
) -> list[dict[str, int] | None]:
    """Per column (item, or a pulse's skill), the others' answers where published for others:
    counts of each score of `scale` and of N/A.

    "na" counts the raters of the published "others" group who gave no answer on the scale to
    the column (N/A, or no row). It equals the others group's n minus the column's others n,
    both published, so it tells nothing more about anyone; it is published with the
    distribution only.
    """
    if "others" not in keys:
        return [None] * round_.answers.shape[1]
    others = keys.index("others")
    answers = round_.answers[members[:, others]]
    counts = (answers[:, :, np.newaxis] == np.array(scale)).sum(axis=0)
    not_answered = len(answers) - counts.sum(axis=1)
    labels = [str(score) for score in scale]
    return [
        {**dict(zip(labels, row.tolist(), strict=True)), "na": int(na)} if shown else None
        for row, na, shown in zip(counts, not_answered, published[:, others], strict=True)
    ]


def _ranked(ids: Sequence[str], values: np.ndarray, *, highest_first: bool = False) -> list[str]:
    """The ids with a value, lowest (or highest) value first; ties keep instrument order."""
    present = ~np.isnan(values)
    rounded = values[present].round(RANK_DECIMALS)
    order = np.lexsort((np.arange(len(rounded)), -rounded if highest_first else rounded))
    return [ids[j] for j in np.flatnonzero(present)[order]]


def published_comments(
    comments: pd.DataFrame, round_: RoundAnswers, layout: Layout, k: int, seed: int
) -> dict[str, tuple[str, ...]]:
    """Non-self comments, unattributed, in a seeded random order, grouped by key.

    Published only when at least k non-self raters submitted, and only those of submitted
    raters. They are put in a canonical order before shuffling, so the same round and seed
    always give the same order whatever order the frame came in.
    """
    require_columns(comments, COMMENT_COLUMNS, "comments")
    observers = round_.rater_ids[round_.relationship != RELATIONSHIPS.index("self")]
    if len(observers) < k:
        return {}
    key = positions(comments["key"], layout.comment_keys)
    if (key < 0).any():
        raise ValueError("comments: key(s) that are neither a skill nor a question")
    text = comments["text"].fillna("").astype(str).str.strip()
    shown = (
        comments["rater_id"].isin(observers) & (comments["relationship"] != "self") & (text != "")
    ).to_numpy()
    if not shown.any():
        return {}
    key, text = key[shown], text.to_numpy(dtype=str)[shown]
    rater = comments["rater_id"].astype(str).to_numpy(dtype=str)[shown]
    canonical = np.lexsort((rater, text, key))
    shuffled = canonical[np.random.default_rng(seed).permutation(len(canonical))]
    # A stable sort by key keeps the shuffled order within each key.
    order = shuffled[np.argsort(key[shuffled], kind="stable")]
    codes, starts = np.unique(key[order], return_index=True)
    return {
        layout.comment_keys[code]: tuple(texts.tolist())
        for code, texts in zip(codes, np.split(text[order], starts[1:]), strict=True)
    }

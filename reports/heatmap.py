"""The team heatmap: each team's mean published all-others score per skill (docs/scoring.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pandas as pd

from reports.results import DECIMALS

MIN_MEMBERS_RANGE = range(2, 11)
MIN_MEMBERS_DEFAULT = 3
# One frame row per contributing person and skill; `key` is None for a person outside every
# team (no manager, or no department): they count in the organisation's row only.
CONTRIBUTION_COLUMNS = ["person_id", "key", "label", "skill_id", "others"]

# The diverging scale of the page's chart and of the spreadsheet's fills alike: a team below
# the organisation shades to orange, above it to blue, level with it stays near white. Its
# ends are light enough for black numbers printed on them to keep a 7:1 contrast.
DIFFERENCE_LIMIT = 1.0  # points on the 1-5 scale; a larger difference takes the end colour
DIVERGING_SCALE = ((0.0, "#ef8a62"), (0.5, "#f7f7f7"), (1.0, "#67a9cf"))


def min_members_problem(value: object) -> str | None:
    """Why `value` is not a minimum members per cell the rules allow, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in MIN_MEMBERS_RANGE:
        start, stop = MIN_MEMBERS_RANGE.start, MIN_MEMBERS_RANGE.stop - 1
        return f"must be a whole number from {start} to {stop}"
    return None


@dataclass(frozen=True)
class Heatmap:
    """Rows (one per team with at least one cell shown) and the organisation's cells; a cell
    is {"mean", "n"}, absent when fewer than `min_members` people contribute to it."""

    rows: tuple[dict[str, Any], ...]
    organisation: dict[str, dict[str, Any]]
    min_members: int

    def to_dict(self, group_by: str) -> dict[str, Any]:
        return {
            "group_by": group_by,
            "rows": [dict(row) for row in self.rows],
            "organisation": {"skills": dict(self.organisation)},
        }


def contributions_frame(records: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """(person id, team key, team label, skill id, published others) records as the frame
    `team_heatmap` reads; a record without a score (suppressed in that round) is dropped."""
    # Plain tuples: pandas inspects every record of another type (a database row) on its own.
    frame = pd.DataFrame(list(map(tuple, records)), columns=CONTRIBUTION_COLUMNS)
    frame["others"] = pd.to_numeric(frame["others"], errors="coerce")
    return frame.dropna(subset=["others"])


def _cells(frame: pd.DataFrame, by: list[str], min_members: int) -> pd.DataFrame:
    cells = frame.groupby(by, sort=False)["others"].agg(["mean", "size"])
    return cells[cells["size"] >= min_members]


def _cell(mean: float, n: int) -> dict[str, Any]:
    return {"mean": round(float(mean), DECIMALS) + 0.0, "n": int(n)}


def team_heatmap(frame: pd.DataFrame, skill_ids: Sequence[str], min_members: int) -> Heatmap:
    """Cells of every team and of the organisation, skills in `skill_ids` order (others are
    ignored), teams by label. Means are of the published (2-decimal) scores, rounded to 2."""
    if problem := min_members_problem(min_members):
        raise ValueError(f"min_members {problem}")
    order = {skill_id: index for index, skill_id in enumerate(skill_ids)}
    # One score per person and skill by construction; dropping repeats anyway means a person
    # counted twice by mistake can never make a cell pass the rule.
    frame = frame[frame["skill_id"].isin(order)].drop_duplicates(["person_id", "skill_id"])
    teams = _cells(frame[frame["key"].notna()], ["key", "skill_id"], min_members)
    labels = frame.dropna(subset=["key"]).drop_duplicates("key").set_index("key")["label"]
    by_team: dict[str, dict[str, dict]] = {}
    for (key, skill_id), mean, n in teams.itertuples(name=None):
        by_team.setdefault(key, {})[skill_id] = _cell(mean, n)
    rows = tuple(
        {
            "key": key,
            "label": labels[key],
            "skills": dict(sorted(skills.items(), key=lambda item: order[item[0]])),
        }
        for key, skills in sorted(by_team.items(), key=lambda item: (labels[item[0]], item[0]))
    )
    pooled = _cells(frame, ["skill_id"], min_members)
    organisation = {
        skill_id: _cell(pooled.loc[skill_id, "mean"], pooled.loc[skill_id, "size"])
        for skill_id in skill_ids
        if skill_id in pooled.index
    }
    return Heatmap(rows, organisation, min_members)


def differences(
    cells: Mapping[str, Mapping[str, Any]], reference: Mapping[str, Mapping[str, Any]]
) -> dict[str, float]:
    """Each cell's mean minus the reference's on the same skill, where both are shown."""
    return {
        skill_id: round(cell["mean"] - reference[skill_id]["mean"], DECIMALS) + 0.0
        for skill_id, cell in cells.items()
        if skill_id in reference
    }


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colour_for(difference: float) -> str:
    """The scale's colour of a difference from the organisation (clipped at the limit), as
    "#rrggbb": what the chart shows, so the spreadsheet's fills match the page."""
    position = (
        max(-DIFFERENCE_LIMIT, min(DIFFERENCE_LIMIT, difference)) / DIFFERENCE_LIMIT + 1
    ) / 2
    for (start, low), (stop, high) in pairwise(DIVERGING_SCALE):
        if position <= stop:
            share = (position - start) / (stop - start)
            mixed = (round(a + (b - a) * share) for a, b in zip(_hex(low), _hex(high), strict=True))
            return "#" + "".join(f"{channel:02x}" for channel in mixed)
    return DIVERGING_SCALE[-1][1]

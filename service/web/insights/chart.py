"""What the heatmap's chart and table show: cells, their differences and the scale."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from reports.heatmap import DIFFERENCE_LIMIT, DIVERGING_SCALE, differences
from service.i18n import in_current_language
from service.services.insights.heatmap import skills_of
from surveys.instrument import load_instrument

# A manager sees no organisation row (services/insights/heatmap.py): their cells are coloured
# by their distance from the middle of the 1-5 scale instead.
SCALE_MIDDLE = 3.0


def skill_names(instrument_id: str) -> dict[str, str]:
    """The heatmap's skills by id, each named in the page's language where the instrument
    has it (the exports keep the instrument's own names, beside English headings)."""
    worded = {s.id: s.name for s in in_current_language(load_instrument(instrument_id)).skills}
    return {
        skill_id: worded.get(skill_id, name) for skill_id, name in skills_of(instrument_id).items()
    }


def heatmap_view(heatmap: dict[str, Any], skills: dict[str, str]) -> dict[str, Any]:
    """The rows the page shows (the organisation first when there is one), each cell with its
    difference from the reference, and the chart's data for heatmap.js."""
    organisation = heatmap["organisation"]["skills"]
    if organisation:
        reference = organisation
        rows = [{"key": "", "label": _("Whole organisation"), "skills": organisation}]
    else:
        reference = {skill_id: {"mean": SCALE_MIDDLE} for skill_id in skills}
        rows = []
    rows += heatmap["rows"]
    for row in rows:
        row["differences"] = differences(row["skills"], reference)

    def per_cell(value):
        return [
            [value(row["skills"].get(skill_id), row, skill_id) for skill_id in skills]
            for row in rows
        ]

    chart = {
        "skills": list(skills.values()),
        "rows": [row["label"] for row in rows],
        "z": per_cell(lambda cell, row, skill_id: row["differences"].get(skill_id)),
        "text": per_cell(lambda cell, row, skill_id: f"{cell['mean']:.2f}" if cell else ""),
        "n": per_cell(lambda cell, row, skill_id: cell["n"] if cell else None),
        "scale": [list(stop) for stop in DIVERGING_SCALE],
        "limit": DIFFERENCE_LIMIT,
        "words": {
            "mean": _("Average"),
            "people": _("people"),
            "difference": _("Difference") if organisation else _("Difference from 3"),
        },
    }
    return {"rows": rows, "chart": chart, "by_organisation": bool(organisation)}

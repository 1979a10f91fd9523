"""HR's spreadsheets: the heatmap as CSV or XLSX, and the published per-skill results of
chosen rounds in one table. Published numbers only: what the reports show, never an answer."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import select

from reports.heatmap import Heatmap, colour_for, differences
from reports.results import Results
from reports.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, csv_bytes, xlsx_bytes
from service.extensions import db
from service.models import Round
from service.services import audit
from service.services.access import load_hr
from service.services.clock import now
from service.services.errors import Invalid
from service.services.exports import chosen_round_ids
from service.services.insights.heatmap import (
    HeatmapFilter,
    compute_heatmap,
    export_filter_notes,
    skills_of,
)
from surveys.relationships import RELATIONSHIPS

FORMATS = ("csv", "xlsx")
ONLY_HR = lazy_gettext("only HR can export insights")
# The results table's groups, in the report's order; a key only an older document used is
# added after these.
GROUP_KEYS = (*RELATIONSHIPS, "others")
ORGANISATION = "Organisation"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def _check_format(file_format: str | None) -> str:
    if file_format not in FORMATS:
        raise Invalid(
            lazy_gettext("format must be one of: %(choices)s", choices=", ".join(FORMATS)),
            {"format": [lazy_gettext("must be one of: %(choices)s", choices=", ".join(FORMATS))]},
        )
    return file_format


def _file(file_format: str, stem: str, header, rows, sheet: Sheet, notes: Sheet | None):
    day = now().date().isoformat()
    if file_format == "csv":
        return ExportFile(csv_bytes(header, rows), CSV_MEDIA_TYPE, f"{stem}-{day}.csv")
    sheets = [sheet] if notes is None else [sheet, notes]
    return ExportFile(xlsx_bytes(sheets), XLSX_MEDIA_TYPE, f"{stem}-{day}.xlsx")


def heatmap_table(heatmap: Heatmap, skills: dict[str, str], group_by: str):
    """Header, rows (the organisation first, then each team) and the mean cells' fills by
    their difference from the organisation, as the page colours them."""
    header = ["Key", "Manager" if group_by == "manager" else "Department"]
    for name in skills.values():
        header += [f"{name}: mean", f"{name}: n"]
    rows, fills = [], {}
    entries = [("", ORGANISATION, heatmap.organisation)]
    entries += [(row["key"], row["label"], row["skills"]) for row in heatmap.rows]
    for row_index, (key, label, cells) in enumerate(entries):
        shift = differences(cells, heatmap.organisation)
        values = [key, label]
        for skill_index, skill_id in enumerate(skills):
            cell = cells.get(skill_id)
            values += [cell["mean"], cell["n"]] if cell else [None, None]
            if skill_id in shift and row_index:
                fills[(row_index, 2 + 2 * skill_index)] = colour_for(shift[skill_id])
        rows.append(values)
    return header, rows, fills


def export_heatmap(actor_id: str, wanted: HeatmapFilter, file_format: str) -> ExportFile:
    """The heatmap HR sees, as CSV or XLSX (a formatted sheet in the page's colours and a
    Notes sheet saying how it was computed); audited."""
    actor = load_hr(actor_id, ONLY_HR)
    file_format = _check_format(file_format)
    heatmap = compute_heatmap(wanted)
    skills = skills_of(wanted.instrument_id)
    header, rows, fills = heatmap_table(heatmap, skills, wanted.group_by)
    sheet = Sheet(
        "Heatmap",
        header,
        rows,
        fills=fills,
        number_formats={2 + 2 * i: "0.00" for i in range(len(skills))},
        widths={0: 28, 1: 28} | {2 + i: 14 for i in range(2 * len(skills))},
    )
    notes = Sheet(
        "Notes",
        ["Topic", "How it was computed"],
        [
            *export_filter_notes(wanted, heatmap.min_members),
            ("Minimum people per cell", str(heatmap.min_members)),
            ("Exported", now().strftime("%Y-%m-%d %H:%M UTC")),
        ],
        widths={0: 26, 1: 110},
    )
    audit.record(
        "insights_exported",
        actor,
        detail=f"team heatmap by {wanted.group_by} ({file_format})",
        data={"export": "heatmap", "group_by": wanted.group_by, "format": file_format},
    )
    db.session.commit()
    return _file(file_format, f"heatmap-by-{wanted.group_by}", header, rows, sheet, notes)


def _closed_rounds(round_ids: list[str]) -> list[Round]:
    ids = chosen_round_ids(round_ids)
    found = {r.id: r for r in db.session.scalars(select(Round).where(Round.id.in_(ids)))}
    missing = [i for i in ids if i not in found or found[i].results is None]
    if missing:
        problem = lazy_gettext(
            "%(count)s of the chosen rounds do not exist or have no results yet",
            count=len(missing),
        )
        raise Invalid(problem, {"round_id": [str(problem)]})
    return [found[round_id] for round_id in ids]


def results_table(rounds: list[Round]):
    """One row per round and skill: the published scores and n per group, read through
    Results so an older document shows only what today's rules publish."""
    documents = [(round_, Results.from_dict(round_.results)) for round_ in rounds]
    keys = list(GROUP_KEYS)
    for _, results in documents:
        keys += [g.key for g in results.groups if g.key not in keys]
    header = ["Round", "Person", "Closed (UTC)", "Instrument", "Skill id", "Skill", "Groups"]
    for key in keys:
        header += [f"{key}: score", f"{key}: n"]
    rows = []
    for round_, results in documents:
        merged = "; ".join(f"{g.key} = {g.label}" for g in results.groups if g.members != (g.key,))
        for skill in results.skills:
            values = [
                round_.id,
                round_.subject.name,
                round_.closed_at.date().isoformat() if round_.closed_at else None,
                f"{results.instrument_id} {results.instrument_version}",
                skill.id,
                skill.name,
                merged,
            ]
            for key in keys:
                values += [skill.scores.get(key), skill.n.get(key) if key in skill.scores else None]
            rows.append(values)
    return header, rows


def export_results(actor_id: str, round_ids: list[str], file_format: str) -> ExportFile:
    """The published per-skill results of the chosen closed rounds as one table; audited."""
    actor = load_hr(actor_id, ONLY_HR)
    file_format = _check_format(file_format)
    rounds = _closed_rounds(round_ids)
    header, rows = results_table(rounds)
    sheet = Sheet(
        "Results",
        header,
        rows,
        number_formats={i: "0.00" for i in range(7, len(header), 2)},
        widths={0: 38, 1: 26, 2: 13, 3: 16, 4: 28, 5: 30, 6: 30},
    )
    audit.record(
        "insights_exported",
        actor,
        detail=f"published results of {len(rounds)} round{'' if len(rounds) == 1 else 's'} "
        f"({file_format})",
        data={"export": "results", "round_ids": [r.id for r in rounds], "format": file_format},
    )
    db.session.commit()
    return _file(file_format, "published-results", header, rows, sheet, None)

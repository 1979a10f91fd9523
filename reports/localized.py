"""The results as the report shows them in its language: skill names and statements from the
instrument in that language, group labels from the report's catalog.

The results document keeps the words it was frozen with (ids and numbers are what count); a
report in another language reads the same results with other words, never other numbers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reports.language import gettext as _
from reports.results import Group, Results
from surveys.relationships import joined

if TYPE_CHECKING:
    from surveys.instrument import Instrument


def _relationship_names() -> dict[str, tuple[str, str]]:
    """Per relationship: a group of results named by it ("Peers", "Direct reports"), and
    several raters of it inside a label ("direct reports", "others")."""
    return {
        "self": (_("Self"), _("self")),
        "manager": (_("Manager"), _("managers")),
        "peer": (_("Peers"), _("peers")),
        "direct_report": (_("Direct reports"), _("direct reports")),
        "other": (_("Others"), _("others")),
    }


def relationship_group(relationship: str) -> str:
    """A group of results named by its relationship: "Peers", "Direct reports"."""
    return _relationship_names()[relationship][0]


def relationship_many(relationship: str) -> str:
    """Several raters of a relationship inside a label: "direct reports", "others"."""
    return _relationship_names()[relationship][1]


def relationship_row(relationship: str) -> str:
    """A line of the cover's "Who responded": "Self-assessment", "Peers"."""
    return _("Self-assessment") if relationship == "self" else relationship_group(relationship)


def group_label(group: Group) -> str:
    """ "All others", "Peers", "Direct reports + others": as surveys.relationships names a
    group, in the report's language."""
    if group.key == "others":
        return _("All others")
    return joined(group.members, relationship_group, relationship_many)


def results_in_language(results: Results, instrument: Instrument, first_name: str) -> Results:
    """The results with the instrument's words (instrument: in the report's language) and
    group labels in the report's language; every number as it was."""
    groups = tuple(replace(group, label=group_label(group)) for group in results.groups)
    skills = tuple(
        replace(
            skill,
            name=instrument.skill(skill.id).name,
            items=tuple(
                replace(item, text=_item(instrument, item.id).text_for("observer", first_name))
                for item in skill.items
            ),
        )
        for skill in results.skills
    )
    return replace(results, groups=groups, skills=skills)


def _item(instrument: Instrument, item_id: str):
    return next(item for item in instrument.skill_of(item_id).items if item.id == item_id)

"""The relationships as the pages and emails name them, in the language being written (the
words of surveys/relationships.py are the English ones, for the pure packages; the report
has its own in reports/localized.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import gettext, lazy_gettext, ngettext

from surveys.relationships import joined

# A rater's relationship as a form's option or a table's cell: "Direct report".
CHOICE = {
    "manager": lazy_gettext("Manager"),
    "peer": lazy_gettext("Peer"),
    "direct_report": lazy_gettext("Direct report"),
    "other": lazy_gettext("Other"),
}
# A line of a table about one round's responses: "Self-assessment", "Peers".
ROW = {
    "self": lazy_gettext("Self-assessment"),
    "manager": lazy_gettext("Manager"),
    "peer": lazy_gettext("Peers"),
    "direct_report": lazy_gettext("Direct reports"),
    "other": lazy_gettext("Others"),
}
# Several raters of a relationship after the first in a set's name: "+ direct reports".
MANY = {
    "manager": lazy_gettext("managers"),
    "peer": lazy_gettext("peers"),
    "direct_report": lazy_gettext("direct reports"),
    "other": lazy_gettext("others"),
}

# The invitation's "has asked for your view as their …", by relationship.
INVITED_AS = {
    "self": lazy_gettext("self-assessment"),
    "manager": lazy_gettext("manager"),
    "peer": lazy_gettext("peer"),
    "direct_report": lazy_gettext("direct report"),
    "other": lazy_gettext("colleague"),
}
# A campaign's "at least 2 peers", by relationship. One literal per relationship: each
# language counts and declines its noun its own way.
AT_LEAST: dict[str, Callable[[int], str]] = {
    "manager": lambda n: ngettext("at least %(num)s manager", "at least %(num)s managers", n),
    "peer": lambda n: ngettext("at least %(num)s peer", "at least %(num)s peers", n),
    "direct_report": lambda n: ngettext(
        "at least %(num)s direct report", "at least %(num)s direct reports", n
    ),
    "other": lambda n: ngettext("at least %(num)s other", "at least %(num)s others", n),
}


def invited_as(relationship: str) -> str:
    return str(INVITED_AS[relationship])


def group_name(members: Sequence[str]) -> str:
    """ "Peers", "Direct reports + others": a set of relationships counted together."""
    return joined(members, lambda r: str(ROW[r]), lambda r: str(MANY[r]))


def group_label(key: str, members: Sequence[str]) -> str:
    """A group of results (its key and members) as the report names it: "All others",
    "Peers + others"."""
    return gettext("All others") if key == "others" else group_name(members)

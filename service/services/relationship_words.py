"""The relationships as the pages name them, in the request's language (the words of
surveys/relationships.py are the English ones, for the pure packages)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext

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


def group_name(members: Sequence[str]) -> str:
    """ "Peers", "Direct reports + others": a set of relationships counted together."""
    first, *rest = members
    return " + ".join([str(ROW[first]), *(str(MANY[member]) for member in rest)])

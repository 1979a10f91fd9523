"""The one-page pulse report: a closed pulse's results (reports/pulse.py's document) as HTML,
a web page's body or a whole print document, and as a PDF by WeasyPrint; in one of the
report's languages (reports/language.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from reports.html import environment
from reports.language import DEFAULT_LANGUAGE, N_, ngettext, writing_in
from reports.language import gettext as _
from reports.localized import group_label
from reports.pdf import html_to_pdf
from reports.pulse import PULSE_SCALE
from reports.results import Group

# The distribution's columns: -3 … +3 and "not observed".
DISTRIBUTION_COLUMNS = (*(str(value) for value in PULSE_SCALE), "na")
NOT_OBSERVED = N_("Not observed")
COLUMN_LABELS = {
    **{str(value): f"{value:+d}" if value else "0" for value in PULSE_SCALE},
    "na": NOT_OBSERVED,
}
SCALE_WORDS = {-3: N_("much worse"), 0: N_("no change"), 3: N_("much better")}


def pulse_report_rows(document: Mapping[str, Any], skill_names: Mapping[str, str]) -> list[dict]:
    """Per skill: its name, a row per published group (label, change, n), the distribution;
    the groups named in the current language."""
    labels = {group["key"]: group_label(Group.from_dict(group)) for group in document["groups"]}
    return [
        {
            "id": skill["id"],
            "name": skill_names.get(skill["id"], skill["id"]),
            "rows": [
                (labels[key], skill["scores"][key], skill["n"][key])
                for key in labels
                if key in skill["scores"]
            ],
            "distribution": skill["distribution"],
        }
        for skill in document["skills"]
    ]


def respondents_sentence(document: Mapping[str, Any]) -> str:
    """How many answered, said only as the response counts rule allows: how many were asked,
    and how many answered only when every set of them may show it."""
    sets = document["responses"]["sets"]
    asked = sum(count_set["invited"] for count_set in sets)
    if any(count_set["submitted"] is None for count_set in sets):
        return ngettext("%(count)s person was asked", "%(count)s people were asked", asked)
    answered = sum(count_set["submitted"] for count_set in sets)
    return ngettext(
        "%(answered)s of %(count)s person asked answered",
        "%(answered)s of %(count)s people asked answered",
        asked,
        answered=answered,
    )


def render_pulse_report(
    document: Mapping[str, Any],
    *,
    subject_name: str,
    skill_names: Mapping[str, str],
    closed_on: str,
    web: bool,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The report's body for a web page (web=True: no <html>, no h1), or the print document,
    in `language` (skill_names and closed_on: already in it)."""
    template = "pulse_report_body.html" if web else "pulse_report.html"
    with writing_in(language):
        return (
            environment()
            .get_template(template)
            .render(
                skills=pulse_report_rows(document, skill_names),
                comments=document["comments"],
                too_few=not document["groups"],
                subject_name=subject_name,
                closed_on=closed_on,
                respondents=respondents_sentence(document),
                columns=DISTRIBUTION_COLUMNS,
                column_labels={**COLUMN_LABELS, "na": _(NOT_OBSERVED)},
                scale_words={value: _(words) for value, words in SCALE_WORDS.items()},
                web=web,
                lang=language,
            )
        )


def render_pulse_report_pdf(document: Mapping[str, Any], **context: Any) -> bytes:
    return html_to_pdf(render_pulse_report(document, web=False, **context))


def as_markup(html: str) -> Markup:
    """A body rendered here, with every value escaped, for a page to place as it is."""
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment

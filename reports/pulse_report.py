"""The one-page pulse report: a closed pulse's results (reports/pulse.py's document) as HTML,
a web page's body or a whole print document, and as a PDF by WeasyPrint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from reports.html import _environment
from reports.pdf import html_to_pdf
from reports.pulse import PULSE_SCALE

# The distribution's columns: -3 … +3 and "not observed".
DISTRIBUTION_COLUMNS = (*(str(value) for value in PULSE_SCALE), "na")
COLUMN_LABELS = {
    **{str(value): f"{value:+d}" if value else "0" for value in PULSE_SCALE},
    "na": "Not observed",
}
SCALE_WORDS = {-3: "much worse", 0: "no change", 3: "much better"}


def pulse_report_rows(document: Mapping[str, Any], skill_names: Mapping[str, str]) -> list[dict]:
    """Per skill: its name, a row per published group (label, change, n), the distribution."""
    labels = {group["key"]: group["label"] for group in document["groups"]}
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


def render_pulse_report(
    document: Mapping[str, Any],
    *,
    subject_name: str,
    skill_names: Mapping[str, str],
    closed_on: str,
    respondents: str,
    web: bool,
) -> str:
    """The report's body for a web page (web=True: no <html>, no h1), or the print document.
    `respondents`: who answered, as the response counts rule lets it be said."""
    template = "pulse_report_body.html" if web else "pulse_report.html"
    return (
        _environment()
        .get_template(template)
        .render(
            skills=pulse_report_rows(document, skill_names),
            comments=document["comments"],
            too_few=not document["groups"],
            subject_name=subject_name,
            closed_on=closed_on,
            respondents=respondents,
            columns=DISTRIBUTION_COLUMNS,
            column_labels=COLUMN_LABELS,
            scale_words=SCALE_WORDS,
            web=web,
        )
    )


def render_pulse_report_pdf(document: Mapping[str, Any], **context: Any) -> bytes:
    return html_to_pdf(render_pulse_report(document, web=False, **context))


def as_markup(html: str) -> Markup:
    """A body rendered here, with every value escaped, for a page to place as it is."""
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment

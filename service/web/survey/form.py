"""The survey form: its field names, reading it into answers, and its problems for the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from markupsafe import Markup, escape

from service.services.languages import in_sentence
from service.services.survey import MAX_DECLINE_REASON
from service.web.formatting import number
from surveys.instrument import SCALE_SCORES
from surveys.questionnaire import MAX_COMMENT_LENGTH

ANSWER_PREFIX = "answer-"
COMMENT_PREFIX = "comment-"
NOT_OBSERVED = "na"
SCORES = {str(score): score for score in SCALE_SCORES}
MISSING = lazy_gettext("Choose an answer, or “Don't know / not observed”.")
NOT_A_CHOICE = lazy_gettext("Choose one of the answers shown.")


def item_anchor(item_id: str) -> str:
    return f"item-{item_id}"


def response_from_form(form: Mapping[str, str]) -> tuple[dict, dict]:
    """Answers and comments as the rater services take them, from the posted form."""
    answers: dict[str, int | str | None] = {}
    comments: dict[str, str] = {}
    for name, value in form.items():
        if name.startswith(ANSWER_PREFIX):
            answers[name.removeprefix(ANSWER_PREFIX)] = (
                None if value == NOT_OBSERVED else SCORES.get(value, value)
            )
        elif name.startswith(COMMENT_PREFIX):
            comments[name.removeprefix(COMMENT_PREFIX)] = as_typed(value)
    return answers, comments


def as_typed(text: str) -> str:
    """A textarea's text as it was typed: browsers send its line breaks as CRLF, while
    their length limits and counters count each break once."""
    return text.replace("\r\n", "\n")


def scale_choices(scale: Mapping) -> list[tuple[str, Markup]]:
    """Each statement's choices as (radio value, label): 1 to 5, then don't know, from the
    survey's scale.

    The labels are escaped here, once, rather than 35 times over in the template.
    """
    label = Markup('<span class="score">{}</span> {}')
    scores = zip(SCALE_SCORES, scale["labels"], strict=True)
    return [
        *((str(score), label.format(score, text)) for score, text in scores),
        (NOT_OBSERVED, escape(scale["na_label"])),
    ]


def radio_groups(
    item_ids: list[str], scale: list[tuple[str, Markup]], selected: Mapping[str, str]
) -> dict[str, Markup]:
    """Each statement's row of radio buttons, the selected one checked, by item id.

    Written here rather than in the template: 35 statements of 6 choices were most of the
    page's rendering time, spent escaping the same few values over and over.
    """
    choices = [(value, escape(value), escape(label)) for value, label in scale]
    rows = {}
    for item_id in item_ids:
        name = escape(ANSWER_PREFIX + item_id)
        current = selected.get(item_id)
        html = "".join(
            f'<label class="choice"><input type="radio" name="{name}" value="{escaped}"'
            f"{' checked' if value == current else ''}> <span>{label}</span></label>"
            for value, escaped, label in choices
        )
        rows[item_id] = Markup(html)  # noqa: S704 - each value put in was escaped above
    return rows


def selected_choices(answers: Mapping[str, object], scale) -> dict[str, str]:
    """The radio value shown checked for each item answered with one of the choices."""
    values = {value for value, _ in scale}
    selected = {
        item_id: NOT_OBSERVED if score is None else str(score) for item_id, score in answers.items()
    }
    return {item_id: value for item_id, value in selected.items() if value in values}


@dataclass(frozen=True)
class Problem:
    anchor: str  # id of the element the summary links to
    label: str
    message: str
    missing: bool = False  # an unanswered statement, as opposed to an invalid value


def _comment_message(text: object, messages: list[str]) -> str:
    if isinstance(text, str) and len(text) > MAX_COMMENT_LENGTH:
        return gettext(
            "This comment is %(length)s characters long; the limit is %(limit)s. "
            "Please shorten it by %(over)s.",
            length=number(len(text)),
            limit=number(MAX_COMMENT_LENGTH),
            over=number(len(text) - MAX_COMMENT_LENGTH),
        )
    return " ".join(messages)


def decline_messages(reason: str, errors: Mapping) -> list[str]:
    """The reason's problems as whole sentences, for the page's summary and its field."""
    if not errors.get("reason"):
        return []
    if len(reason) > MAX_DECLINE_REASON:
        return [
            gettext(
                "The reason is %(length)s characters long; the limit is %(limit)s.",
                length=number(len(reason)),
                limit=number(MAX_DECLINE_REASON),
            )
        ]
    return [gettext("The reason must be plain text, without NUL characters.")]


def form_problems(
    survey: Mapping, answers: Mapping, comments: Mapping, errors: Mapping
) -> list[Problem]:
    """The validation errors as the page lists them: in page order, each with a link."""
    answer_errors = dict(errors.get("answers", {}))
    comment_errors = dict(errors.get("comments", {}))
    problems = []
    for skill in survey["skills"]:
        for position, item in enumerate(skill["items"], start=1):
            if answer_errors.pop(item["id"], None) is not None:
                missing = item["id"] not in answers
                problems.append(
                    Problem(
                        item_anchor(item["id"]),
                        gettext(
                            "%(skill)s, statement %(number)s: %(text)s",
                            skill=skill["name"],
                            number=position,
                            text=item["text"],
                        ),
                        MISSING if missing else NOT_A_CHOICE,
                        missing,
                    )
                )
        if skill["id"] in comment_errors:
            messages = comment_errors.pop(skill["id"])
            problems.append(
                Problem(
                    COMMENT_PREFIX + skill["id"],
                    gettext("Your comment on %(skill)s", skill=in_sentence(skill["name"])),
                    _comment_message(comments.get(skill["id"]), messages),
                )
            )
    for question in survey["questions"]:
        if question["id"] in comment_errors:
            messages = comment_errors.pop(question["id"])
            problems.append(
                Problem(
                    COMMENT_PREFIX + question["id"],
                    question["text"],
                    _comment_message(comments.get(question["id"]), messages),
                )
            )
    # Whatever is left names fields this page never offered: a hand-made request.
    for key, messages in {**answer_errors, **comment_errors}.items():
        problems.append(Problem("survey-form", key, " ".join(messages)))
    return problems


def field_messages(problems: list[Problem]) -> dict[str, str]:
    """Each problem's message by the id of its field, to show beside the field."""
    return {problem.anchor: problem.message for problem in problems}

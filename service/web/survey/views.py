"""Routes of the survey: open a private link, read the questionnaire, save, submit, decline."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from service.http_errors import handle_domain_error, status_of, wants_json
from service.i18n import current_language, set_rater_language, use_rater_language
from service.models import Rater
from service.services.errors import Conflict, Invalid
from service.services.languages import LANGUAGE_NAMES, supported
from service.services.settings import current_settings
from service.services.survey import (
    MAX_DECLINE_REASON,
    decline_response,
    save_draft,
    submit_response,
    survey_for_rater,
)
from service.web.survey.form import (
    as_typed,
    decline_messages,
    field_messages,
    form_problems,
    radio_groups,
    response_from_form,
    scale_choices,
    selected_choices,
)
from service.web.survey.session import (
    SURVEY_LINK,
    opened_from_pages,
    rater_required,
    sign_in,
    signed_in_rater,
)
from service.web.time_zone import shown_datetime
from surveys.questionnaire import MAX_COMMENT_LENGTH

bp = Blueprint("survey", __name__)
ACTIONS = {"save": save_draft, "submit": submit_response}
FINAL_PAGES = {"submitted": "survey/submitted.html", "declined": "survey/declined.html"}
SAVED = "saved"


@bp.errorhandler(Conflict)
def _refused(error: Conflict):
    # Closed, past the deadline or already final: the page now says which, with no form.
    rater = signed_in_rater()
    if wants_json() or rater is None:
        return handle_domain_error(error)
    use_rater_language(rater)
    return _survey_page(rater, status=409)


@bp.get("/s/<token>")
@SURVEY_LINK.limit_failures(lambda: current_app.config["FAILED_LINK_LIMIT"], "survey-link")
def open_link(token: str):
    return SURVEY_LINK.open(token, sign_in, ".survey_page")


@bp.get("/survey")
@rater_required
def survey_page(rater: Rater):
    return _survey_page(rater)


@bp.post("/survey")
@rater_required
def save_or_submit(rater: Rater):
    action = ACTIONS.get(request.form.get("action", ""))
    if action is None:
        abort(400)
    answers, comments = response_from_form(request.form)
    try:
        action(rater.id, answers, comments)
    except Invalid as error:
        return _survey_page(
            rater, answers=answers, comments=comments, errors=error.errors, status=status_of(error)
        )
    if action is save_draft:
        flash(SAVED)
    return redirect(url_for(".survey_page"), code=303)


@bp.post("/survey/draft")
@rater_required
def autosave(rater: Rater):
    """The script's autosave: the same form, answered with JSON (with the time as the pages
    write it, in the rater's zone, for the page to show)."""
    answers, comments = response_from_form(request.form)
    state = save_draft(rater.id, answers, comments)
    return {
        "response_status": state["response_status"],
        "saved_at": state["saved_at"].isoformat(),
        "saved_at_text": shown_datetime(state["saved_at"]),
    }


@bp.post("/survey/decline")
@rater_required
def decline(rater: Rater):
    reason = as_typed(request.form.get("reason", ""))
    try:
        decline_response(rater.id, reason)
    except Invalid as error:
        messages = decline_messages(reason, error.errors)
        return _survey_page(
            rater, decline_reason=reason, decline_errors=messages, status=status_of(error)
        )
    return redirect(url_for(".survey_page"), code=303)


@bp.post("/survey/language")
@rater_required
def change_language(rater: Rater):
    """The page's language switch: its buttons send the survey form, so the answers given
    so far are saved as a draft first (as "Save and finish later" does), then the page
    comes back in the language chosen, which is the rater's from now on."""
    language = supported(request.form.get("language"))
    if language is None:
        abort(400)
    answers, comments = response_from_form(request.form)
    set_rater_language(rater, language)
    try:
        save_draft(rater.id, answers, comments)
    except Invalid as error:
        # Nothing saved (a comment too long, say): the page, now in the new language,
        # keeps what was typed and says what to fix.
        return _survey_page(
            rater, answers=answers, comments=comments, errors=error.errors, status=status_of(error)
        )
    return redirect(url_for(".survey_page"), code=303)


def _script_words() -> dict[str, str]:
    """What survey.js says, in the page's language (data-text-* on the form)."""
    return {
        "saving": gettext("Saving…"),
        "saved-at": gettext("Saved at %(time)s", time="{time}"),
        "refused-403": gettext("Not saved: please open the link from your invitation email again."),
        "refused-409": gettext(
            "Not saved: this survey can no longer change. Reload the page to see why."
        ),
        "refused-422": gettext("Not saved yet: please shorten the comment marked as too long."),
        "refused": gettext("Not saved: please use “Save and finish later”."),
        "offline": gettext(
            "Not saved: you seem to be offline. Your answers are still on this page."
        ),
        "count": gettext("%(length)s of %(limit)s characters", length="{length}", limit="{limit}"),
        "over-one": gettext(
            "%(over)s character over the %(limit)s limit: please shorten it.",
            over="{over}",
            limit="{limit}",
        ),
        "over-many": gettext(
            "%(over)s characters over the %(limit)s limit: please shorten it.",
            over="{over}",
            limit="{limit}",
        ),
    }


def _survey_page(
    rater: Rater,
    *,
    answers=None,
    comments=None,
    errors=None,
    decline_reason="",
    decline_errors=None,
    status: int = 200,
):
    """The page for the response's state: the form, or a page that explains why not."""
    survey = survey_for_rater(rater, language=current_language())
    context = {
        "survey": survey,
        "first_name": rater.round.subject.first_name,
        # Opened from the person's own pages: the way back is their round's page.
        "opened_from_pages": opened_from_pages(),
        "round_id": rater.round_id,
        # "Who sees what" says whether the person reads their own report.
        "subject_sees_report": current_settings().subject_sees_report,
    }
    if survey["response_status"] in FINAL_PAGES:
        return render_template(FINAL_PAGES[survey["response_status"]], **context), status
    if not survey["accepting_answers"]:
        round_closed = rater.round.status == "closed"
        return render_template("survey/closed.html", round_closed=round_closed, **context), status
    answers = survey["draft"]["answers"] if answers is None else answers
    comments = survey["draft"]["comments"] if comments is None else comments
    scale = scale_choices(survey["scale"])
    problems = form_problems(survey, answers, comments, errors or {})
    selected = selected_choices(answers, scale)
    item_ids = [item["id"] for skill in survey["skills"] for item in skill["items"]]
    page = render_template(
        "survey/form.html",
        scale=scale,
        selected=selected,
        radio_groups=radio_groups(item_ids, scale, selected),
        comments=comments,
        problems=problems,
        field_errors=field_messages(problems),
        decline_reason=decline_reason,
        decline_errors=decline_errors or [],
        saved=SAVED in get_flashed_messages(),
        max_comment_length=MAX_COMMENT_LENGTH,
        max_decline_length=MAX_DECLINE_REASON,
        script_words=_script_words(),
        languages=LANGUAGE_NAMES,
        **context,
    )
    return page, status

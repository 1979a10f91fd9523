"""Routes after the report: the person thanks their raters and starts, closes and reads an
impact pulse (from the plan page); a rater opens their pulse link and answers.

Every rule is the services' (follow_ups.py, pulses.py), shared with the API."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext, ngettext
from flask_wtf import FlaskForm

from reports.pulse import PULSE_SCALE
from reports.pulse_report import as_markup, render_pulse_report, render_pulse_report_pdf
from service.http_errors import status_of
from service.i18n import current_language
from service.models import Person, PulseRater
from service.services import follow_ups, pulses
from service.services.errors import Conflict, Invalid
from service.services.plans import HR, SUBJECT, load_plan_access
from service.time_text import long_date
from service.web.auth import NOTICE, login_required, signed_in_person
from service.web.formatting import number
from service.web.pulse.session import PULSE_LINK, pulse_rater_required, sign_in
from service.web.time_zone import (
    deadline_field,
    in_utc,
    on_the_viewers_clock,
    time_zone_field,
)

bp = Blueprint("pulse", __name__)

CHANGE_LABELS = {
    -3: lazy_gettext("−3 much worse"),
    -2: lazy_gettext("−2 worse"),
    -1: lazy_gettext("−1 a little worse"),
    0: lazy_gettext("0 no change"),
    1: lazy_gettext("+1 a little better"),
    2: lazy_gettext("+2 better"),
    3: lazy_gettext("+3 much better"),
}
NOT_OBSERVED_LABEL = lazy_gettext("Not observed")
NOT_OBSERVED = "na"
ANSWER_FIELD = "answer-"


CHOOSE_CLOSING = lazy_gettext("Choose when the pulse closes.")


class PulseForm(FlaskForm):
    deadline = deadline_field(lazy_gettext("Closes on"), missing=CHOOSE_CLOSING)
    time_zone = time_zone_field()


class ActionForm(FlaskForm):
    """A button (close a pulse): its CSRF token only."""


# The plan page's section ----------------------------------------------------------------


def after_report(round_id: str) -> dict | None:
    """What the plan page shows of the thank-you and the pulses to the signed-in person."""
    person = signed_in_person()
    if person is None:
        return None
    access = load_plan_access(person.id, round_id)
    round_ = access.round
    closed_with_plan = access.plan is not None and round_.status == "closed"
    documents = pulses.list_round_pulses(person.id, round_id)
    return {
        "role": access.role,
        "may_thank": access.role == SUBJECT and closed_with_plan,
        "next_thanks": follow_ups.next_follow_up_at(round_),
        "may_start": access.role in (SUBJECT, HR)
        and closed_with_plan
        and pulses.open_pulse(round_) is None,
        "pulses": documents,
        "close_form": ActionForm(),
    }


@bp.app_context_processor
def _plan_page_section():
    return {"after_report": after_report}


def _plan_page(round_id: str, anchor: str = "pulse"):
    return redirect(url_for("plans.plan_page", round_id=round_id, _anchor=anchor), code=303)


# Thank your raters ------------------------------------------------------------------------


@bp.route("/rounds/<round_id>/plan/thank-you", methods=["GET", "POST"])
@login_required
def thank_raters(person: Person, round_id: str):
    access = follow_ups.thank_you_access(person.id, round_id)
    message = request.form.get("message")
    errors = []
    if request.method == "POST":
        try:
            sent = follow_ups.thank_raters(person.id, round_id, message=message or "")
        except Invalid as error:
            errors = (error.errors or {}).get("message", [error.message])
        else:
            flash(
                ngettext(
                    "Your thank-you is on its way to %(num)s rater.",
                    "Your thank-you is on its way to %(num)s raters.",
                    sent["sent"],
                ),
                NOTICE,
            )
            return _plan_page(round_id)
    page = render_template(
        "pulse/thank_you.html",
        round=access.round,
        message=follow_ups.suggested_thanks(access.round) if message is None else message,
        errors=errors,
        next_thanks=follow_ups.next_follow_up_at(access.round),
        recipients=len(follow_ups.observers(access.round)),
        max_length=follow_ups.MESSAGE_LENGTH,
        max_length_text=number(follow_ups.MESSAGE_LENGTH),
    )
    return page, 422 if errors else 200


# Start, close and read a pulse ------------------------------------------------------------


@bp.route("/rounds/<round_id>/plan/pulse", methods=["GET", "POST"])
@login_required
def start_pulse(person: Person, round_id: str):
    access = pulses.pulse_start_access(person.id, round_id)
    form = PulseForm()
    errors = []
    if request.method == "GET":
        form.deadline.data = on_the_viewers_clock(pulses.default_pulse_deadline(access.round))
    elif form.validate_on_submit():
        try:
            pulses.start_pulse(person.id, round_id, deadline=in_utc(form.deadline.data))
        except Invalid as error:
            errors = (error.errors or {}).get("deadline", [error.message])
        else:
            flash(gettext("Your pulse is on its way to your raters."), NOTICE)
            return _plan_page(round_id)
    else:
        errors = [str(error) for error in form.deadline.errors] or [str(CHOOSE_CLOSING)]
    page = render_template(
        "pulse/start.html",
        round=access.round,
        form=form,
        errors=errors,
        recipients=len(follow_ups.observers(access.round)),
    )
    return page, 422 if errors else 200


@bp.post("/rounds/<round_id>/pulses/<pulse_id>/close")
@login_required
def close_pulse(person: Person, round_id: str, pulse_id: str):
    if not ActionForm().validate_on_submit():
        return _plan_page(round_id)
    pulses.close_pulse(person.id, round_id, pulse_id)
    flash(gettext("The pulse is closed; its results are below."), NOTICE)
    return _plan_page(round_id)


def _closed_pulse(person: Person, round_id: str, pulse_id: str) -> tuple[dict, dict]:
    access = load_plan_access(person.id, round_id)
    document = pulses.get_pulse(person.id, round_id, pulse_id)
    if document["status"] != "closed":
        raise Conflict(lazy_gettext("the pulse is still open; its report comes once it closes"))
    # The pulse report speaks the page's language, the skills' names included.
    language = current_language()
    instrument = access.round.instrument
    if language in instrument.languages:
        instrument = instrument.in_language(language)
    context = {
        "subject_name": access.round.subject.name,
        "skill_names": {
            skill["id"]: instrument.skill(skill["id"]).name for skill in document["focus_skills"]
        },
        "closed_on": long_date(document["closed_at"]),
        "language": language,
    }
    return document, context


@bp.get("/rounds/<round_id>/pulses/<pulse_id>")
@login_required
def pulse_report(person: Person, round_id: str, pulse_id: str):
    document, context = _closed_pulse(person, round_id, pulse_id)
    body = as_markup(render_pulse_report(document, web=True, **context))
    return render_template(
        "pulse/report.html", body=body, round_id=round_id, pulse_id=pulse_id, **context
    )


@bp.get("/rounds/<round_id>/pulses/<pulse_id>/report.pdf")
@login_required
def pulse_report_pdf(person: Person, round_id: str, pulse_id: str):
    document, context = _closed_pulse(person, round_id, pulse_id)
    return Response(
        render_pulse_report_pdf(document, **context),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="impact-pulse.pdf"'},
    )


# The rater's pulse ------------------------------------------------------------------------


@bp.get("/p/<token>")
@PULSE_LINK.limit_failures(lambda: current_app.config["FAILED_LINK_LIMIT"], "pulse-link")
def open_link(token: str):
    return PULSE_LINK.open(token, sign_in, ".pulse_page")


@bp.get("/pulse")
@pulse_rater_required
def pulse_page(pulse_rater: PulseRater):
    return _rater_page(pulse_rater)


def answers_from_form(form, skill_ids) -> dict:
    """{skill: -3..3 | None}; a missing or unreadable choice is left out or kept as text, for
    the service to name."""
    answers = {}
    for skill_id in skill_ids:
        value = form.get(f"{ANSWER_FIELD}{skill_id}")
        if value is None:
            continue
        if value == NOT_OBSERVED:
            answers[skill_id] = None
        else:
            try:
                answers[skill_id] = int(value)
            except ValueError:
                answers[skill_id] = value
    return answers


@bp.post("/pulse")
@pulse_rater_required
def submit_pulse(pulse_rater: PulseRater):
    skill_ids = pulse_rater.pulse.skill_ids
    answers = answers_from_form(request.form, skill_ids)
    comment = request.form.get("comment", "")
    try:
        pulses.submit_pulse(pulse_rater.id, answers, comment or None)
    except Invalid as error:
        return _rater_page(pulse_rater, answers=answers, comment=comment, errors=error.errors)
    except Conflict as error:
        return _rater_page(pulse_rater, status=status_of(error))
    return redirect(url_for(".pulse_page"), code=303)


def _rater_page(pulse_rater: PulseRater, *, answers=None, comment="", errors=None, status=None):
    asked = pulses.pulse_for_rater(pulse_rater, language=current_language())
    context = {"pulse": asked, "first_name": asked["subject"]["first_name"]}
    if asked["submitted"]:
        return render_template("pulse/answered.html", **context), status or 200
    if not asked["accepting_answers"]:
        return render_template("pulse/closed.html", **context), status or 200
    field_errors = {
        f"{ANSWER_FIELD}{skill_id}": " ".join(messages)
        for skill_id, messages in ((errors or {}).get("answers") or {}).items()
    }
    if (errors or {}).get("comment"):
        field_errors["comment"] = " ".join(errors["comment"])
    page = render_template(
        "pulse/form.html",
        choices=[(str(value), CHANGE_LABELS[value]) for value in PULSE_SCALE]
        + [(NOT_OBSERVED, NOT_OBSERVED_LABEL)],
        chosen={
            skill: NOT_OBSERVED if value is None else str(value)
            for skill, value in (answers or {}).items()
        },
        comment=comment,
        field_errors=field_errors,
        answer_field=ANSWER_FIELD,
        max_comment_length=pulses.COMMENT_LENGTH,
        **context,
    )
    return page, status or (422 if errors else 200)

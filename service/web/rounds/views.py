"""Routes of the individual's pages: start a 360, my rounds, a round's page and its report.

HR uses the same round pages for every round; the service functions decide who may see
what (a member's look-up of another member's round is a 404)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext, ngettext
from markupsafe import Markup

from service.http_errors import handle_domain_error, status_of
from service.i18n import current_language, use_language
from service.models import Person
from service.services.clock import now
from service.services.development_reports import get_report_page, get_report_pdf
from service.services.errors import Conflict, Invalid
from service.services.languages import in_sentence
from service.services.notifications import remind_raters
from service.services.rater_guidance import (
    SUBJECT,
    Voice,
    rater_guidance,
    recommended_group_size,
)
from service.services.relationship_words import CHOICE, ROW, group_name
from service.services.repeat_rounds import repeat_round
from service.services.results import may_read_results_about
from service.services.rounds import (
    add_rater,
    close_round,
    create_round,
    extend_deadline,
    get_round,
    launch_round,
    list_rounds,
    new_round_problems,
    remove_rater,
)
from service.services.self_assessment import open_self_assessment, self_assessments
from service.services.settings import current_settings
from service.services.survey import survey_preview
from service.web.auth import NOTICE, login_required, signed_in_person
from service.web.formatting import DELIVERY_STATUS_LABELS, ROUND_STATUS_LABELS
from service.web.rounds.forms import (
    MORE_ROWS,
    ActionForm,
    AddRaterForm,
    DeadlineForm,
    NewRoundForm,
)
from service.web.survey.form import scale_choices
from service.web.survey.session import sign_in_beside
from service.web.time_zone import (
    SUGGESTION,
    in_utc,
    on_the_viewers_clock,
    shown_datetime,
    suggested_deadline,
)

bp = Blueprint("rounds", __name__)


@bp.context_processor
def _labels():
    return {
        "relationship_labels": ROW,
        "relationship_names": CHOICE,
        "group_name": group_name,
        "status_labels": ROUND_STATUS_LABELS,
        "delivery_labels": DELIVERY_STATUS_LABELS,
        "recommended_group_size": recommended_group_size,
    }


@bp.errorhandler(Conflict)
def _refused(error: Conflict):
    """A step the round's state does not allow: the round's page, saying why (409)."""
    person = signed_in_person()
    round_id = (request.view_args or {}).get("round_id")
    if person is None or round_id is None or request.method != "POST":
        return handle_domain_error(error)
    return _round_page(person, round_id, problem=error.message, status=status_of(error))


@bp.get("/rounds")
@login_required
def my_rounds(person: Person):
    rounds = list_rounds(person.id, subject_only=True)
    own = self_assessments(person.id, [round_["id"] for round_ in rounds])
    return render_template("rounds/my_rounds.html", rounds=rounds, self_assessments=own)


@bp.route("/rounds/new", methods=["GET", "POST"])
@login_required
def new_round(person: Person):
    if request.method == "GET":
        form = NewRoundForm(formdata=None, data={"deadline": suggested_deadline()})
        return _new_round_page(form, deadline_note=SUGGESTION)
    form = NewRoundForm()
    action = request.form.get("action")
    if action in ("more", "check"):
        # Without a script: the same form again, with its guidance and maybe more rows.
        form.add_rows(MORE_ROWS if action == "more" else 0)
        return _new_round_page(form)
    valid = form.validate()
    # The rows and the deadline the form found fine go to the service even when something
    # else is wrong, so that its problems (a past day, a rater named twice) come in this
    # same answer rather than on the next try.
    rows = [index for index in form.used_rows() if not form.raters[index].form.errors]
    raters = [form.raters[index].form.as_rater() for index in rows]
    deadline = in_utc(form.deadline.data) if form.deadline.data else None
    if not valid:
        _attach_errors(form, rows, new_round_problems(person.id, deadline=deadline, raters=raters))
        return _new_round_page(form, status=422)
    try:
        round_ = create_round(person.id, deadline=deadline, raters=raters)
    except Invalid as error:
        _attach_errors(form, rows, error.errors, error.message)
        return _new_round_page(form, status=status_of(error))
    flash(
        gettext("Your 360 is saved as a draft. Check the raters and the survey, then launch it."),
        NOTICE,
    )
    return redirect(url_for(".round_page", round_id=round_.id), code=303)


def _attach_errors(
    form: NewRoundForm, rows: list[int], errors: dict | None, message: str | None = None
) -> None:
    """The service's errors ({"raters": {"0": {"email": [...]}}}) beside the rows' fields;
    its rater indexes count only the rows sent to it (`rows`, the form's indexes)."""
    errors = dict(errors or {})
    for position, fields in (errors.pop("raters", None) or {}).items():
        row = form.raters[rows[int(position)]].form
        for name, messages in fields.items():
            _add_errors(_field_named(row, name), messages)
    if "deadline" in errors:
        _add_errors(form.deadline, errors.pop("deadline"))
    if message and (errors or not any(_problems(form))):
        form.form_errors.append(message)


def _field_named(form, name: str):
    """The form's field the service named; a name the form lacks lands on "name"."""
    return form._fields.get(name) or form.name


def _add_errors(field, messages) -> None:
    field.errors = [*field.errors, *messages]


def _problems(form) -> list[tuple[str, str]]:
    """(field id, message) for each field error, in page order, for the summary."""
    labelled = [(gettext("Deadline"), form.deadline)]
    for number, row in enumerate(getattr(form, "raters", []), start=1):
        labelled += [
            (
                gettext(
                    "Rater %(number)s, %(field)s",
                    number=number,
                    field=in_sentence(str(field.label.text)),
                ),
                field,
            )
            for field in row.form
        ]
    return [
        (field.id, f"{label}: {' '.join(map(str, field.errors))}")
        for label, field in labelled
        if field.errors
    ]


def _new_round_page(form: NewRoundForm, status: int = 200, deadline_note: str | None = None):
    counts = {}
    for row in form.raters:
        relationship = row.form.relationship.data
        if not row.form.is_blank() and relationship:
            counts[relationship] = counts.get(relationship, 0) + 1
    threshold = current_settings().anonymity_threshold
    page = render_template(
        "rounds/new.html",
        form=form,
        problems=_problems(form),
        guidance=rater_guidance(counts, threshold),
        voice=SUBJECT,
        threshold=threshold,
        deadline_note=deadline_note,
    )
    return page, status


@bp.get("/rounds/<round_id>")
@login_required
def round_page(person: Person, round_id: str):
    return _round_page(person, round_id)


def _round_page(
    person: Person,
    round_id: str,
    *,
    add_form: AddRaterForm | None = None,
    deadline_form: DeadlineForm | None = None,
    problem: str | None = None,
    status: int = 200,
):
    round_ = get_round(person.id, round_id)
    invited = {r: n for r, n in round_["responses"]["invited"].items() if r != "self"}
    # A form sent back shows what was typed, with no note; a fresh one is filled in.
    deadline_note = deadline_attrs = None
    if deadline_form is None:
        shown, deadline_note, deadline_attrs = _deadline_shown(round_)
        deadline_form = DeadlineForm(formdata=None, data={"deadline": shown})
    is_subject = round_["subject"].id == person.id
    # HR looking at someone else's round reads the advice about that person, not about "you".
    voice = SUBJECT if is_subject else Voice(round_["subject"].first_name)
    page = render_template(
        "rounds/round.html",
        round=round_,
        is_subject=is_subject,
        voice=voice,
        guidance=rater_guidance(invited, round_["anonymity_threshold"], voice),
        report_readable=may_read_results_about(person, round_["subject"]),
        add_form=add_form or AddRaterForm(formdata=None),
        deadline_form=deadline_form,
        deadline_note=deadline_note,
        deadline_attrs=deadline_attrs or {},
        action_form=ActionForm(formdata=None),
        self_assessment=self_assessments(person.id, [round_id]).get(round_id),
        problem=problem,
        problems=_problems(deadline_form) if deadline_form.errors else [],
    )
    return page, status


def _deadline_shown(round_: dict) -> tuple[datetime, str, dict]:
    """What the deadline form is filled with, the note that says what it is, and the
    input's attributes: the current deadline while it is ahead (its instant there for the
    script, should the browser's zone be another than the page's), else a suggestion."""
    deadline = round_["deadline"]
    if deadline > now():
        instant = {"data-instant": deadline.astimezone(UTC).isoformat()}
        return on_the_viewers_clock(deadline), gettext("Filled in: the current deadline."), instant
    return suggested_deadline(), SUGGESTION, {}


@bp.post("/rounds/<round_id>/raters")
@login_required
def add_rater_action(person: Person, round_id: str):
    form = AddRaterForm()
    if not form.validate():
        get_round(person.id, round_id)  # someone else's round stays a 404
        return _round_page(person, round_id, add_form=form, status=422)
    try:
        rater, _ = add_rater(
            person.id,
            round_id,
            form.name.data,
            form.email.data,
            form.relationship.data,
            form.language.data or None,
        )
    except Invalid as error:
        for name, messages in (error.errors or {}).items():
            _add_errors(_field_named(form, name), messages)
        return _round_page(person, round_id, add_form=form, status=status_of(error))
    # An open round mints a link, which goes to the rater by email only: never on a page.
    invited = rater.round.status == "open"
    if invited:
        flash(gettext("%(name)s was added and invited by email.", name=rater.name), NOTICE)
    else:
        flash(gettext("%(name)s was added.", name=rater.name), NOTICE)
    return _back_to(round_id)


@bp.post("/rounds/<round_id>/raters/<rater_id>/remove")
@login_required
def remove_rater_action(person: Person, round_id: str, rater_id: str):
    _check_button()
    remove_rater(person.id, round_id, rater_id)
    flash(gettext("The rater was removed."), NOTICE)
    return _back_to(round_id)


@bp.post("/rounds/<round_id>/launch")
@login_required
def launch_action(person: Person, round_id: str):
    _check_button()
    links = launch_round(person.id, round_id)
    flash(
        ngettext(
            "The round is open. Invitations are on their way to %(num)s person "
            "(the self-assessment included).",
            "The round is open. Invitations are on their way to %(num)s people "
            "(the self-assessment included).",
            len(links),
        ),
        NOTICE,
    )
    return _back_to(round_id)


@bp.post("/rounds/<round_id>/remind")
@login_required
def remind_action(person: Person, round_id: str):
    _check_button()
    sent = remind_raters(person.id, round_id)
    queued, already = sent["queued"], sent["already_reminded_today"]
    if queued is None:  # the subject is not told how many have not answered
        flash(
            gettext("Everyone who has not answered yet gets a reminder (at most one a day)."),
            NOTICE,
        )
        return _back_to(round_id)
    sentences = [
        ngettext(
            "Reminders are on their way to %(num)s rater.",
            "Reminders are on their way to %(num)s raters.",
            queued,
        )
        if queued
        else gettext("No reminder was sent.")
    ]
    if already:
        sentences.append(
            ngettext(
                "%(num)s rater was already reminded today.",
                "%(num)s raters were already reminded today.",
                already,
            )
        )
    elif not queued:
        sentences.append(gettext("Everyone has already answered or declined."))
    flash(" ".join(sentences), NOTICE)
    return _back_to(round_id)


@bp.post("/rounds/<round_id>/self-assessment")
@login_required
def self_assessment_action(person: Person, round_id: str):
    """The subject's own survey, opened in this browser beside their sign-in: the link is
    minted for the session alone and never appears in an address."""
    _check_button()
    rater, token = open_self_assessment(person.id, round_id)
    sign_in_beside(person, rater, token)
    return redirect(url_for("survey.survey_page"), code=303)


@bp.get("/rounds/<round_id>/close")
@login_required
def confirm_close(person: Person, round_id: str):
    round_ = get_round(person.id, round_id)
    if round_["status"] != "open":
        return _back_to(round_id)
    return render_template("rounds/close.html", round=round_, action_form=ActionForm(formdata=None))


@bp.post("/rounds/<round_id>/close")
@login_required
def close_action(person: Person, round_id: str):
    _check_button()
    close_round(person.id, round_id)
    flash(gettext("The round is closed: no more answers are accepted."), NOTICE)
    return _back_to(round_id)


@bp.post("/rounds/<round_id>/repeat")
@login_required
def repeat_action(person: Person, round_id: str):
    _check_button()
    draft = repeat_round(person.id, round_id, in_utc(suggested_deadline()))
    flash(
        gettext(
            "A new round is ready as a draft, with the same raters. Check them and the "
            "deadline, then launch it."
        ),
        NOTICE,
    )
    return _back_to(draft.id)


@bp.post("/rounds/<round_id>/deadline")
@login_required
def deadline_action(person: Person, round_id: str):
    form = DeadlineForm()
    if not form.validate():
        get_round(person.id, round_id)  # someone else's round stays a 404
        return _round_page(person, round_id, deadline_form=form, status=422)
    try:
        round_ = extend_deadline(person.id, round_id, in_utc(form.deadline.data))
    except Invalid as error:
        form.deadline.errors = [*form.deadline.errors, *(error.errors or {}).get("deadline", [])]
        if not form.deadline.errors:
            form.deadline.errors = [error.message]
        return _round_page(person, round_id, deadline_form=form, status=status_of(error))
    flash(
        gettext("The deadline is now %(deadline)s.", deadline=shown_datetime(round_.deadline)),
        NOTICE,
    )
    return _back_to(round_id)


@bp.get("/rounds/<round_id>/preview")
@login_required
def preview(person: Person, round_id: str):
    round_ = get_round(person.id, round_id)
    # In the viewer's language, like the page around it.
    survey = survey_preview(person.id, round_id, current_language())
    return render_template(
        "rounds/preview.html",
        round=round_,
        survey=survey,
        first_name=round_["subject"].first_name,
        scale=scale_choices(survey["scale"]),
        subject_sees_report=current_settings().subject_sees_report,
    )


@bp.get("/rounds/<round_id>/report")
@login_required
def report(person: Person, round_id: str):
    # ?lang= asks for the report in another language than the subject's (HR's copy).
    page = get_report_page(person.id, round_id, request.args.get("lang"))
    # The page around the report speaks the report's language: <html lang> says what it is in.
    use_language(page.language)
    return render_template(
        "rounds/report.html",
        report=page,
        body=Markup(page.body),  # noqa: S704 - rendered by reports/ with every value escaped
        is_subject=page.subject_id == person.id,
    )


@bp.get("/rounds/<round_id>/report.pdf")
@login_required
def report_pdf(person: Person, round_id: str):
    path, filename = get_report_pdf(person.id, round_id, request.args.get("lang"))
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=filename)


def _check_button() -> None:
    # The before-request check has refused a missing token already; this keeps the form
    # the single description of what a button posts.
    if not ActionForm().validate():
        abort(400)


def _back_to(round_id: str):
    return redirect(url_for(".round_page", round_id=round_id), code=303)

"""Routes of HR's dashboard, people pages, people import and bulk launch."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from wtforms.fields.choices import SelectChoice

from service.http_errors import status_of
from service.models import Person
from service.services.bulk_rounds import BULK_COLUMNS, launch_bulk_rounds, preview_bulk_launch
from service.services.dashboard import list_departments, list_managers, list_rounds_for_hr
from service.services.errors import Conflict, Invalid
from service.services.people import invite_person, list_people
from service.services.people_import import PEOPLE_COLUMNS, import_people, preview_people_import
from service.web.auth import NOTICE, hr_required
from service.web.formatting import hr_page_labels
from service.web.hr.forms import (
    AddPersonForm,
    BulkLaunchForm,
    ConfirmImportForm,
    ConfirmLaunchForm,
    CsvUploadForm,
    DashboardFilterForm,
    ExportForm,
)
from service.web.hr.uploads import CsvPage
from service.web.time_zone import in_utc

bp = Blueprint("hr", __name__, url_prefix="/hr")


bp.context_processor(hr_page_labels)


# Dashboard ------------------------------------------------------------------------------


@bp.get("")
@hr_required
def dashboard(person: Person):
    return dashboard_page(person)


def dashboard_page(person: Person, export_form: ExportForm | None = None, status: int = 200):
    """The dashboard with the filters of the address; with an export form it refused, that
    form's error above the rounds."""
    form = DashboardFilterForm(request.args)
    form.manager.choices += [SelectChoice(m.id, m.name) for m in list_managers(person.id)]
    form.department.choices += [SelectChoice(d, d) for d in list_departments(person.id)]
    export_form = export_form or ExportForm(formdata=None)
    if not form.validate():
        page = render_template("hr/dashboard.html", form=form, listing=None, export=export_form)
        return page, 422
    listing = list_rounds_for_hr(
        person.id,
        status=form.status.data or None,
        manager_id=form.manager.data or None,
        department=form.department.data or None,
        deadline_from=form.deadline_from.data,
        deadline_to=form.deadline_to.data,
        page=form.page.data or 1,
    )
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    page = render_template(
        "hr/dashboard.html", form=form, listing=listing, filters=filters, export=export_form
    )
    return page, status


def refused_selection(person: Person, form: ExportForm):
    """The answer to the dashboard's form of ticked rounds when it cannot be used: the same
    dashboard (its filters ride on the form's address) with the error above the rounds when
    nothing is ticked, 400 without a valid CSRF token; None when it can be used."""
    if form.validate():
        return None
    if form.round_id.errors:
        return dashboard_page(person, form, status=422)
    abort(400)


# People ---------------------------------------------------------------------------------


def _people_page(person: Person, form: AddPersonForm, status: int = 200):
    listing = list_people(person.id, request.args.get("page", 1, type=int))
    return render_template("hr/people.html", form=form, listing=listing), status


@bp.get("/people")
@hr_required
def people(person: Person):
    return _people_page(person, AddPersonForm(formdata=None))


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."


@bp.post("/people")
@hr_required
def add_person(person: Person):
    form = AddPersonForm()
    if not form.validate():
        return _people_page(person, form, 422)
    try:
        added = invite_person(
            person.id,
            form.name.data,
            form.email.data,
            form.role.data,
            form.manager_email.data,
            form.department.data,
        )
    except Invalid as error:
        for name, messages in (error.errors or {}).items():
            form[name].errors = [_sentence(message) for message in messages]
        return _people_page(person, form, status_of(error))
    except Conflict as error:
        form.email.errors = [_sentence(error.message)]
        return _people_page(person, form, status_of(error))
    flash(
        gettext(
            "%(name)s is added; a welcome email is on its way to %(email)s.",
            name=added.name,
            email=added.email,
        ),
        NOTICE,
    )
    return redirect(url_for(".people"), code=303)


PEOPLE_CSV = CsvPage(
    "hr/people_import.html",
    PEOPLE_COLUMNS,
    CsvUploadForm,
    ConfirmImportForm,
    check=lambda actor_id, text, _: preview_people_import(actor_id, text),
)


@bp.get("/people/import")
@hr_required
def people_import(person: Person):
    return PEOPLE_CSV.page()


@bp.post("/people/import")
@hr_required
def preview_people(person: Person):
    return PEOPLE_CSV.preview(person)


def _import_people(actor_id: str, text: str, _):
    added = import_people(actor_id, text)
    flash(
        ngettext(
            "%(num)s person is added; each gets a welcome email.",
            "%(num)s people are added; each gets a welcome email.",
            added,
        ),
        NOTICE,
    )
    return redirect(url_for(".people"), code=303)


@bp.post("/people/import/confirm")
@hr_required
def confirm_people(person: Person):
    return PEOPLE_CSV.confirm(person, _import_people)


# Bulk launch ----------------------------------------------------------------------------


def _in_utc(fields: dict) -> datetime | None:
    # The form's deadline is typed on the viewer's clock, in the zone the form names; None
    # when the form could not read one (the file is still checked, its deadline problem
    # beside the field).
    deadline = fields["deadline"]
    return in_utc(deadline) if deadline else None


ROUNDS_CSV = CsvPage(
    "hr/rounds_import.html",
    BULK_COLUMNS,
    BulkLaunchForm,
    ConfirmLaunchForm,
    check=lambda actor_id, text, fields: preview_bulk_launch(actor_id, text, _in_utc(fields)),
)


@bp.get("/rounds/import")
@hr_required
def rounds_import(person: Person):
    return ROUNDS_CSV.page()


@bp.post("/rounds/import")
@hr_required
def preview_rounds(person: Person):
    return ROUNDS_CSV.preview(person)


def _launch_rounds(actor_id: str, text: str, fields: dict):
    deadline = _in_utc(fields)
    outcomes = launch_bulk_rounds(actor_id, text, deadline)
    return render_template("hr/rounds_launched.html", outcomes=outcomes, deadline=deadline)


@bp.post("/rounds/import/confirm")
@hr_required
def confirm_rounds(person: Person):
    return ROUNDS_CSV.confirm(person, _launch_rounds)

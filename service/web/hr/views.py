"""Routes of HR's dashboard, people pages, people import and bulk launch."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from service.http_errors import status_of
from service.models import Person
from service.services.bulk_rounds import BULK_COLUMNS, launch_bulk_rounds, preview_bulk_launch
from service.services.dashboard import list_managers, list_rounds_for_hr
from service.services.errors import Conflict, Invalid
from service.services.people import invite_person, list_people
from service.services.people_import import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    PEOPLE_COLUMNS,
    decode_csv,
    import_people,
    preview_people_import,
)
from service.web.auth import NOTICE, hr_required
from service.web.hr.forms import (
    ROLE_LABELS,
    STATUS_LABELS,
    AddPersonForm,
    BulkLaunchForm,
    ConfirmImportForm,
    ConfirmLaunchForm,
    CsvUploadForm,
    DashboardFilterForm,
)

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.context_processor
def _labels():
    return {
        "status_labels": STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "max_csv_mb": MAX_CSV_BYTES // 1_000_000,
        "max_csv_rows": MAX_CSV_ROWS,
    }


# Dashboard ------------------------------------------------------------------------------


@bp.get("")
@hr_required
def dashboard(person: Person):
    form = DashboardFilterForm(request.args)
    form.manager.choices += [SelectChoice(m.id, m.name) for m in list_managers(person.id)]
    if not form.validate():
        return render_template("hr/dashboard.html", form=form, listing=None), 422
    listing = list_rounds_for_hr(
        person.id,
        status=form.status.data or None,
        manager_id=form.manager.data or None,
        deadline_from=form.deadline_from.data,
        deadline_to=form.deadline_to.data,
        page=form.page.data or 1,
    )
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("hr/dashboard.html", form=form, listing=listing, filters=filters)


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
            person.id, form.name.data, form.email.data, form.role.data, form.manager_email.data
        )
    except Invalid as error:
        for name, messages in (error.errors or {}).items():
            form[name].errors = [_sentence(message) for message in messages]
        return _people_page(person, form, 422)
    except Conflict as error:
        form.email.errors = [_sentence(error.message)]
        return _people_page(person, form, 409)
    flash(f"{added.name} is added; a welcome email is on its way to {added.email}.", NOTICE)
    return redirect(url_for(".people"), code=303)


def _read_upload(form: CsvUploadForm) -> str:
    # Only one byte past the limit is read: enough to tell the file is too large.
    return decode_csv(form.file.data.stream.read(MAX_CSV_BYTES + 1))


def _import_page(**context):
    status = context.pop("status", 200)
    context.setdefault("form", CsvUploadForm(formdata=None))
    context.setdefault("columns", PEOPLE_COLUMNS)
    return render_template("hr/people_import.html", **context), status


@bp.get("/people/import")
@hr_required
def people_import(person: Person):
    return _import_page()


@bp.post("/people/import")
@hr_required
def preview_people(person: Person):
    form = CsvUploadForm()
    if not form.validate():
        return _import_page(form=form, status=422)
    try:
        text = _read_upload(form)
    except Invalid as error:
        return _import_page(form=form, refused=error.message, status=422)
    preview = preview_people_import(person.id, text)
    return _import_page(
        preview=preview,
        confirm=ConfirmImportForm(formdata=None, csv_text=text),
        status=200 if preview.ok else 422,
    )


@bp.post("/people/import/confirm")
@hr_required
def confirm_people(person: Person):
    form = ConfirmImportForm()
    if not form.validate():
        return _import_page(refused="the file was not sent again; upload it anew", status=422)
    try:
        added = import_people(person.id, form.csv_text.data)
    except (Invalid, Conflict) as error:
        preview = preview_people_import(person.id, form.csv_text.data)
        return _import_page(
            preview=preview,
            refused=f"{error.message}; upload the corrected file",
            status=status_of(error),
        )
    flash(
        f"{added} {'person is' if added == 1 else 'people are'} added; each gets a welcome email.",
        NOTICE,
    )
    return redirect(url_for(".people"), code=303)


# Bulk launch ----------------------------------------------------------------------------


def _launch_page(**context):
    status = context.pop("status", 200)
    context.setdefault("form", BulkLaunchForm(formdata=None))
    context.setdefault("columns", BULK_COLUMNS)
    return render_template("hr/rounds_import.html", **context), status


@bp.get("/rounds/import")
@hr_required
def rounds_import(person: Person):
    return _launch_page()


@bp.post("/rounds/import")
@hr_required
def preview_rounds(person: Person):
    form = BulkLaunchForm()
    if not form.validate():
        return _launch_page(form=form, status=422)
    try:
        text = _read_upload(form)
    except Invalid as error:
        return _launch_page(form=form, refused=error.message, status=422)
    deadline = form.deadline.data.replace(tzinfo=UTC)
    preview = preview_bulk_launch(person.id, text, deadline)
    confirm = ConfirmLaunchForm(formdata=None, csv_text=text, deadline=form.deadline.data)
    return _launch_page(
        form=form, preview=preview, confirm=confirm, status=200 if preview.ok else 422
    )


@bp.post("/rounds/import/confirm")
@hr_required
def confirm_rounds(person: Person):
    form = ConfirmLaunchForm()
    if not form.validate():
        return _launch_page(refused="the file was not sent again; upload it anew", status=422)
    deadline = form.deadline.data.replace(tzinfo=UTC)
    try:
        outcomes = launch_bulk_rounds(person.id, form.csv_text.data, deadline)
    except Invalid as error:
        preview = preview_bulk_launch(person.id, form.csv_text.data, deadline)
        return _launch_page(
            preview=preview, refused=f"{error.message}; upload the corrected file", status=422
        )
    return render_template("hr/rounds_launched.html", outcomes=outcomes, deadline=deadline)

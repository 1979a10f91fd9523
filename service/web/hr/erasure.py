"""HR's erasure of a person: a page that says what goes and what stays, confirmed by typing
the person's email (a slip of the mouse must not erase anyone); and a copy of their data."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import InputRequired

from service.api.personal_data import zip_download
from service.extensions import db
from service.http_errors import status_of
from service.models import Person
from service.services.errors import Invalid
from service.services.privacy.erasure import erase_person
from service.services.privacy.export import collect_personal_data
from service.web.auth import NOTICE, hr_required
from service.web.hr.views import bp


class ConfirmErasureForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Type their email to confirm"),
        validators=[InputRequired(lazy_gettext("Type their email to confirm."))],
    )


def _person_or_404(person_id: str) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    return person


def _page(person: Person, form: ConfirmErasureForm, status: int = 200):
    return render_template("hr/erase.html", person=person, form=form), status


@bp.get("/people/<person_id>/data")
@hr_required
def download_person_data(actor: Person, person_id: str):
    """HR's copy of a person's data (the same ZIP as GET /api/v1/people/{id}/export)."""
    return zip_download(collect_personal_data(actor.id, _person_or_404(person_id).id))


@bp.get("/people/<person_id>/erase")
@hr_required
def erase_person_page(actor: Person, person_id: str):
    return _page(_person_or_404(person_id), ConfirmErasureForm(formdata=None))


@bp.post("/people/<person_id>/erase")
@hr_required
def erase_person_confirmed(actor: Person, person_id: str):
    person = _person_or_404(person_id)
    form = ConfirmErasureForm()
    if not form.validate():
        return _page(person, form, 422)
    if form.email.data.strip().lower() != person.email:
        form.email.errors = [gettext("This is not their email; nothing was erased.")]
        return _page(person, form, 422)
    try:
        erase_person(actor.id, person.id)
    except Invalid as error:
        form.form_errors.append(error.message[:1].upper() + error.message[1:] + ".")
        return _page(person, form, status_of(error))
    flash(gettext("The person is erased."), NOTICE)
    # Erasing oneself ends one's own session with one's account.
    return redirect(url_for(".people" if actor.id != person_id else "account.sign_in"), code=303)

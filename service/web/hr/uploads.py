"""HR's CSV pages: upload a file, see every row or every problem, then confirm it.

Nothing is written until the confirmation, which sends the previewed text back to be
checked again by the service: what HR saw is what is written, or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext, lazy_gettext

from service.http_errors import status_of
from service.models import Person
from service.services.csv_uploads import MAX_CSV_BYTES, CheckedFile, decode_csv
from service.services.errors import Conflict, Invalid
from service.web.hr.forms import ConfirmImportForm, CsvUploadForm

NOT_SENT_AGAIN = lazy_gettext("the file was not sent again; upload it anew")
# The upload's fields that are not carried back by the confirmation's other fields.
_NOT_CARRIED = {"file", "csv_text", "csrf_token"}


def _carried(form) -> dict:
    """The fields beside the file (a deadline) that go with the file to the service."""
    return {name: value for name, value in form.data.items() if name not in _NOT_CARRIED}


@dataclass(frozen=True)
class CsvPage:
    """One CSV page: its template, the columns it describes, its two forms, and the
    service's check of a text with the form's other fields (nothing is written)."""

    template: str
    columns: tuple[str, ...]
    upload_form: type[CsvUploadForm]
    confirm_form: type[ConfirmImportForm]
    check: Callable[[str, str, dict], CheckedFile]

    def page(self, status: int = 200, **context):
        context.setdefault("form", self.upload_form(formdata=None))
        return render_template(self.template, columns=self.columns, **context), status

    def preview(self, person: Person):
        """The uploaded file's rows, or its problems, with the form that confirms it."""
        form = self.upload_form()
        valid = form.validate()
        fields = _carried(form)
        if set(form.errors) - set(fields):
            return self.page(form=form, status=422)
        try:
            # Only one byte past the limit is read: enough to tell the file is too large.
            text = decode_csv(form.file.data.stream.read(MAX_CSV_BYTES + 1))
        except Invalid as error:
            return self.page(form=form, refused=error.message, status=status_of(error))
        # The file is checked even when a field beside it (the deadline) is wrong, so that
        # the file's problems and the field's come in one answer.
        checked = self.check(person.id, text, fields)
        if not (valid and checked.ok):
            return self.page(form=form, preview=None if checked.ok else checked, status=422)
        return self.page(
            form=form,
            preview=checked,
            confirm=self.confirm_form(formdata=None, csv_text=text, **fields),
        )

    def confirm(self, person: Person, write: Callable[[str, str, dict], object]):
        """Write the confirmed text, answering what `write` answers; should the service
        refuse it now (someone changed something meanwhile), its problems are shown."""
        form = self.confirm_form()
        if not form.validate():
            return self.page(refused=NOT_SENT_AGAIN, status=422)
        text, fields = form.csv_text.data, _carried(form)
        try:
            return write(person.id, text, fields)
        except (Invalid, Conflict) as error:
            return self.page(
                preview=self.check(person.id, text, fields),
                refused=gettext("%(problem)s; upload the corrected file", problem=error.message),
                status=status_of(error),
            )

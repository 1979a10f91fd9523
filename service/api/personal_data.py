"""Personal data API: a person's copy of everything held about them, as a ZIP."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.auth import current_person_id
from service.api.schemas.personal_data import PersonalDataSchema
from service.extensions import api
from service.services.privacy import export

blp = Blueprint(
    "personal_data",
    __name__,
    url_prefix="/api/v1",
    description="A copy of everything held about a person (yours, or anyone's for HR).",
)
AUTH = {"security": [{"api_token": []}]}


@blp.record_once
def _describe_the_document(state) -> None:
    """The document inside the ZIP is no answer of its own, so nothing would name its schema
    in the OpenAPI document: named here, as PersonalData."""
    api.spec.components.schema("PersonalData", schema=PersonalDataSchema)


ZIP_RESPONSE = {
    "content_type": "application/zip",
    "description": f"A ZIP: {export.DOCUMENT_NAME} (PersonalData in the schemas) and the "
    f"stored report PDFs under {export.REPORTS_FOLDER}/",
}


def zip_download(data: export.PersonalData):
    """The ZIP as a download, for the API and for the pages alike."""
    document = PersonalDataSchema().dump(data.document)
    archive = export.export_zip(export.dump_json(document), data.reports)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.export_filename(),
    )


@blp.route("/me/export")
class MyExport(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, **ZIP_RESPONSE)
    def get(self):
        """Everything held about you (rounds, results, plans, pulses, notes, reports) as a ZIP"""
        return zip_download(export.collect_personal_data(current_person_id()))


@blp.route("/people/<person_id>/export")
class PersonExport(MethodView):
    @blp.doc(**AUTH)
    @blp.response(200, **ZIP_RESPONSE)
    def get(self, person_id):
        """Everything held about a person, as a ZIP (HR; plan words and notes stay theirs)"""
        return zip_download(export.collect_personal_data(current_person_id(), person_id))

"""An uploaded file's own problems (its size, encoding and header) explained in the HR
person's language."""

from __future__ import annotations

from service.models import Person
from tests.service.web.pages import words
from tests.service.web.test_hr_pages import count, upload
from tests.service.web.test_hr_pages_languages import spanish_hr  # noqa: F401 - a fixture


def test_a_wrong_header_is_explained_in_spanish(app, spanish_hr):  # noqa: F811
    people = count(app, Person)
    preview = upload(spanish_hr, "/hr/people/import", "name,email,team\nAna,ana@example.org,A\n")
    assert preview.status_code == 422
    text = words(preview.get_data(as_text=True))
    assert "Columnas desconocidas: team (las columnas son name, email, role" in text
    assert count(app, Person) == people


def test_a_file_that_is_not_utf8_is_explained_in_spanish(app, spanish_hr):  # noqa: F811
    # "é" in Latin-1 is the byte 0xE9, the 15th of the file (11 in the header, 3 of
    # "Ren"): not UTF-8.
    data = "name,email\nRené,rene@example.org\n".encode("latin-1")
    preview = upload(spanish_hr, "/hr/people/import", data)
    assert preview.status_code == 422
    text = words(preview.get_data(as_text=True))
    assert "El archivo no es texto UTF-8 (el byte 15 no se puede leer)" in text


def test_the_bulk_launch_preview_names_relationships_in_spanish(app, spanish_hr):  # noqa: F811
    from datetime import UTC, datetime, timedelta

    from service.extensions import db

    with app.app_context():
        db.session.add(Person(email="ana@example.org", name="Ana Silva", role="member"))
        db.session.commit()
    csv = (
        "subject_email,rater_name,rater_email,relationship\n"
        "ana@example.org,Jo Manager,jo@example.org,manager\n"
        "ana@example.org,Dee Report,dee@example.org,direct_report\n"
    )
    deadline = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    preview = upload(spanish_hr, "/hr/rounds/import", csv, deadline=deadline)
    text = words(preview.get_data(as_text=True))
    # The columns and each rater's relationship in Spanish words, never the file's codes.
    assert "Jo Manager jo@example.org, responsable" in text
    assert "Dee Report dee@example.org, colaborador directo" in text
    assert "dee@example.org, direct" not in text

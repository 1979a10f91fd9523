"""HR's pages in the signed-in HR person's own language (people.language): the words of the
templates, the forms' labels and errors, the notices and the counts."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.models import Person
from tests.service.web.pages import words
from tests.service.web.test_hr_pages import count, upload

HANA = "hana@example.org"
CSV = "name,email,role,manager_email\nAna Silva,ana@example.org,member,\n"


@pytest.fixture
def spanish_hr(app, api, person_session):
    person_id, _ = api.person("hr", name="Hana Reyes", email=HANA)
    with app.app_context():
        db.session.get(Person, person_id).language = "es"
        db.session.commit()
    return person_session(HANA)


def test_the_people_page_reads_in_spanish(spanish_hr):
    page = spanish_hr.html("/hr/people")
    assert '<html lang="es"' in page
    text = words(page)
    assert "Añadir a una persona" in text
    assert "Nombre completo" in text and "Dirección de correo de la persona responsable" in text
    # The count as Spanish counts, and the role's label.
    assert "1 persona" in text and "Hana Reyes : historial" in text
    assert "Add a person" not in text and "Everyone" not in text


def test_a_refused_person_is_explained_in_spanish_and_nothing_is_written(app, spanish_hr):
    people = count(app, Person)
    response = spanish_hr.post("/hr/people", data={"name": "", "email": "x", "role": "member"})
    assert response.status_code == 422
    text = words(response.get_data(as_text=True))
    assert "Escribe el nombre." in text
    assert count(app, Person) == people


def test_an_added_person_is_announced_in_spanish(spanish_hr):
    added = spanish_hr.post(
        "/hr/people", data={"name": "Zed New", "email": "zed@example.org", "role": "member"}
    )
    assert added.status_code == 303
    text = words(spanish_hr.html("/hr/people"))
    assert "Zed New se ha añadido; un correo de bienvenida va de camino a zed@example.org." in text


def test_the_import_preview_reads_in_spanish(spanish_hr):
    page = words(spanish_hr.html("/hr/people/import"))
    assert "Importar personas desde un CSV" in page
    # The row limit (5,000 in English) as Spanish writes it.
    assert "como máximo" in page and "5.000 filas" in page
    preview = upload(spanish_hr, "/hr/people/import", CSV)
    assert preview.status_code == 200
    text = words(preview.get_data(as_text=True))
    assert "Revisa antes de importar: 1 persona" in text
    assert "Importar 1 persona y enviar el correo de bienvenida" in text


def test_the_same_page_stays_english_for_an_hr_person_without_a_language(api, person_session):
    api.person("hr", name="Hana Reyes", email=HANA)
    text = words(person_session(HANA).html("/hr/people"))
    assert "Add a person" in text and "1 person" in text


def test_the_campaigns_page_reads_in_spanish(spanish_hr):
    text = words(spanish_hr.html("/hr/campaigns"))
    assert "Empezar una campaña" in text and "Quién participa" in text
    assert "Cada persona nombra al menos" in text and "Todavía no hay campañas." in text
    refused = spanish_hr.post("/hr/campaigns", data={"name": ""})
    assert refused.status_code == 422
    assert "Ponle nombre a la campaña." in words(refused.get_data(as_text=True))


def test_the_settings_and_audit_pages_read_in_spanish(spanish_hr):
    settings = words(spanish_hr.html("/hr/settings"))
    assert "Vigente ahora" in settings and "Guardar los ajustes" in settings
    # Every field's label and hint, the retention period's with its range filled in.
    assert "Borrar las respuestas sin procesar tras (días)" in settings
    assert "Delete raw answers" not in settings
    assert "de 30 a 3650; sus resultados" in settings
    refused = spanish_hr.post("/hr/settings", data={"anonymity_threshold": "1"})
    assert refused.status_code == 422
    assert "Escribe un número entero del 2 al 10." in words(refused.get_data(as_text=True))
    audit = words(spanish_hr.html("/hr/audit"))
    # The actions as the log reads them, and the count as Spanish counts it.
    assert "inició sesión" in audit and "1 entrada" in audit


def test_an_unknown_manager_is_explained_in_spanish(app, spanish_hr):
    people = count(app, Person)
    form = {"name": "Zed", "email": "zed@example.org", "manager_email": "ghost@example.org"}
    response = spanish_hr.post("/hr/people", data={"role": "member", **form})
    assert response.status_code == 422
    assert "Ninguna persona tiene este correo; añade primero a la persona responsable." in words(
        response.get_data(as_text=True)
    )
    assert count(app, Person) == people


def test_a_files_problems_are_listed_in_spanish(app, spanish_hr):
    people = count(app, Person)
    csv_text = "name,email,role,manager_email\nAna Silva,ana@example.org,member,ghost@example.org\n"
    preview = upload(spanish_hr, "/hr/people/import", csv_text)
    assert preview.status_code == 422
    text = words(preview.get_data(as_text=True))
    assert "1 problema que corregir; no se ha guardado nada" in text
    assert "Nadie tiene el correo ghost@example.org, ni aquí ni en otra fila del archivo" in text
    assert count(app, Person) == people

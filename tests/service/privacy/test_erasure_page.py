"""HR's erasure page: reached from the person's page, confirmed by typing their email."""

from __future__ import annotations

from service.extensions import db
from service.models import Person
from tests.service.web.pages import PersonSession, stored_rows, words

HR_EMAIL = "hana@example.org"


def test_hr_erases_a_person_after_typing_their_email(app, api):
    api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    zoe_id, _ = api.person("member", name="Zoe Gone", email="zoe@example.org")
    hana = PersonSession(app, HR_EMAIL)
    person_page = hana.html(f"/hr/people/{zoe_id}/history")
    assert f'href="/hr/people/{zoe_id}/erase"' in person_page
    page = words(hana.html(f"/hr/people/{zoe_id}/erase"))
    assert "Erase Zoe Gone" in page and "What goes" in page and "What stays" in page

    before = stored_rows(app)
    wrong = hana.post(f"/hr/people/{zoe_id}/erase", {"email": "someone@example.org"})
    assert wrong.status_code == 422
    assert "This is not their email; nothing was erased." in words(wrong.get_data(as_text=True))
    assert stored_rows(app) == before

    erased = hana.post(f"/hr/people/{zoe_id}/erase", {"email": " ZOE@example.org "})
    assert erased.status_code == 303 and erased.headers["Location"].endswith("/hr/people")
    assert "The person is erased." in words(hana.html("/hr/people"))
    with app.app_context():
        assert db.session.get(Person, zoe_id) is None


def test_the_last_hr_person_is_told_why_they_cannot_be_erased(app, api):
    hana_id, _ = api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    hana = PersonSession(app, HR_EMAIL)
    refused = hana.post(f"/hr/people/{hana_id}/erase", {"email": HR_EMAIL})
    assert refused.status_code == 422
    assert "make someone else HR first" in words(refused.get_data(as_text=True))
    assert hana.get("/hr/people/no-such-person/erase").status_code == 404


def test_the_pages_hand_out_the_same_copy_as_the_api(app, api):
    hana_id, _ = api.person("hr", name="Hana Reyes", email=HR_EMAIL)
    zoe_id, _ = api.person("member", name="Zoe Gone", email="zoe@example.org")
    zoe = PersonSession(app, "zoe@example.org")
    assert 'href="/account/data"' in zoe.html("/account")
    own = zoe.get("/account/data")
    assert own.status_code == 200 and own.mimetype == "application/zip"
    hana = PersonSession(app, HR_EMAIL)
    assert f'href="/hr/people/{zoe_id}/data"' in hana.html(f"/hr/people/{zoe_id}/erase")
    copy = hana.get(f"/hr/people/{zoe_id}/data")
    assert copy.status_code == 200 and copy.mimetype == "application/zip"
    assert zoe.get(f"/hr/people/{hana_id}/data").status_code == 403

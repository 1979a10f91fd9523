"""Helpers of the web page tests: browser-like sessions of a rater and of a signed-in
person, page text, a new rater's link, and everything stored (to compare around a refusal)."""

from __future__ import annotations

import html
import re

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def stored_rows(app) -> dict[str, list[str]]:
    """Every row of every table, to show that a refused request changed nothing stored."""
    from sqlalchemy import select

    from service.extensions import db

    with app.app_context():
        rows = {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return rows


def new_rater_token(app, round_id: str) -> str:
    """A rater the round's subject adds now, and a live survey link of theirs (minted here
    instead of read from the invitation email): a rater who has not answered yet."""
    from uuid import uuid4

    from service.extensions import db
    from service.models import Round
    from service.services.rounds import add_rater
    from service.services.survey_links import issue_survey_link

    with app.app_context():
        subject_id = db.session.get(Round, round_id).subject_id
        email = f"rater-{uuid4().hex[:12]}@example.org"
        rater, _ = add_rater(subject_id, round_id, "New Rater", email, "peer")
        token = issue_survey_link(rater)
        db.session.commit()
        db.session.remove()
    return token


def words(page: str) -> str:
    """The text a reader sees, whitespace collapsed, so phrases can span template lines."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


class RaterSession:
    """One rater's browser: its own cookie jar, talking to the pages like a form would."""

    def __init__(self, app, token: str, **client_options):
        self.client = app.test_client(**client_options)
        self.token = token

    def open_link(self, **kwargs):
        return self.client.get(f"/s/{self.token}", **kwargs)

    def page(self):
        return self.client.get("/survey")

    def html(self) -> str:
        response = self.page()
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def csrf_token(self) -> str:
        return CSRF_FIELD.search(self.html()).group(1)

    def post(self, path: str = "/survey", data=None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf_token()
        return self.client.post(path, data=data, **kwargs)


class PersonSession:
    """A signed-in person's browser: its own cookie jar, signed in through a real
    sign-in link (minted here instead of read from an email, which test_sign_in covers)."""

    def __init__(self, app, email: str, **client_options):
        from service.extensions import db
        from service.services.people import find_person_by_email
        from service.services.sign_in_links import mint_sign_in_link

        self.app = app
        self.client = app.test_client(**client_options)
        with app.app_context():
            person = find_person_by_email(email)
            self.person_id, self.is_hr = person.id, person.is_hr
            token = mint_sign_in_link(person)
            db.session.commit()
        page = self.client.get(f"/sign-in/{token}")
        assert page.status_code == 200, page.status_code
        csrf = CSRF_FIELD.search(page.get_data(as_text=True)).group(1)
        signed_in = self.client.post(f"/sign-in/{token}", data={"csrf_token": csrf})
        assert signed_in.status_code == 303, signed_in.status_code

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def html(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def csrf_token(self) -> str:
        # Every signed-in page carries the sign-out form and so the session's CSRF token.
        return CSRF_FIELD.search(self.html("/account")).group(1)

    def post(self, path: str, data=None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf_token()
        return self.client.post(path, data=data, **kwargs)

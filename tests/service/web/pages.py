"""Helpers of the web page tests: a rater's browser-like session, and page text."""

from __future__ import annotations

import html
import re

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


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

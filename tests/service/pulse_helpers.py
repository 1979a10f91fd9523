"""Helpers of the follow-up and pulse tests: a closed round with a saved plan, emails read
from the outbox."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

from tests.conftest import outbox_folder
from tests.service.plan_helpers import focus_entry, plan_path
from tests.service.web.pages import RaterSession

PULSE_LINK = re.compile(r"/p/([A-Za-z0-9_-]+)")
FOCUS = ("empathy", "leadership")


def save_plan(api, token, round_id, *, shared_with_manager=False):
    body = {
        "focus": [
            focus_entry("empathy"),
            focus_entry("leadership", ["ld_tell_the_why"], support=None),
        ],
        "shared_with_manager": shared_with_manager,
    }
    saved = api.call("PUT", plan_path(round_id), token, json=body)
    assert saved.status_code == 200, saved.get_json()


def emails(app, subject_starts: str, seen: set[str] = frozenset()) -> list:
    """The outbox's emails whose subject starts so (files not in `seen`), oldest first."""
    found = []
    for path in sorted(outbox_folder(app).glob("*.eml")):
        if path.name in seen:
            continue
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["Subject"].startswith(subject_starts):
            found.append(message)
    return found


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def to_of(message) -> str:
    return message["To"].addresses[0].addr_spec


def pulse_tokens(app) -> dict[str, str]:
    """The newest pulse token emailed to each address."""
    tokens = {}
    for message in emails(app, ""):
        link = PULSE_LINK.search(text_of(message))
        if link:
            tokens[to_of(message)] = link.group(1)
    return tokens


class PulseSession(RaterSession):
    """A rater's browser on their pulse: opened from the pulse link, as a survey is."""

    def open_link(self, **kwargs):
        return self.client.get(f"/p/{self.token}", **kwargs)

    def page(self):
        return self.client.get("/pulse")

    def post(self, path: str = "/pulse", data=None, *, csrf: bool = True, **kwargs):
        return super().post(path, data, csrf=csrf, **kwargs)

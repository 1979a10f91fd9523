"""A small organisation and a campaign over it, for the campaign tests."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from tests.conftest import in_days, outbox_folder

CAMPAIGN_RULES = {"minimum_raters": {"peer": 2}, "maximum_raters": 4}


class Org:
    """HR (Hana), a manager (Mo) with two reports (Ann, Ben), and Nia without a manager."""

    def __init__(self, api):
        self.api = api
        _, self.hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
        _, self.mo = api.person("member", name="Mo Manager", email="mo@example.org")
        _, self.ann = api.person("member", name="Ann Able", email="ann@example.org")
        _, self.ben = api.person("member", name="Ben Best", email="ben@example.org")
        _, self.nia = api.person("member", name="Nia Noboss", email="nia@example.org")
        for email, department in (("ann", "Sales"), ("ben", "Support"), ("nia", "Sales")):
            person = api.call("GET", f"/api/v1/people?email={email}@example.org", self.hr)
            body = {"department": department}
            if email != "nia":
                body["manager_email"] = "mo@example.org"
            person_id = person.get_json()["people"][0]["id"]
            changed = api.call("PATCH", f"/api/v1/people/{person_id}", self.hr, json=body)
            assert changed.status_code == 200, changed.get_json()

    def campaign(self, subjects=("ann", "ben", "nia"), **fields) -> dict:
        body = {
            "name": "Spring 360",
            "subjects": [f"{s}@example.org" for s in subjects],
            "nomination_deadline": in_days(7),
            "deadline": in_days(21),
            **CAMPAIGN_RULES,
            **fields,
        }
        created = self.api.call("POST", "/api/v1/campaigns", self.hr, json=body)
        assert created.status_code == 201, created.get_json()
        return created.get_json()

    def name_peers(self, token: str, round_id: str, count: int, prefix: str = "peer") -> list:
        ids = []
        for n in range(count):
            rater = {
                "name": f"Peer {n}",
                "email": f"{prefix}{n}@example.org",
                "relationship": "peer",
            }
            added = self.api.call("POST", f"/api/v1/rounds/{round_id}/raters", token, json=rater)
            assert added.status_code == 201, added.get_json()
            ids.append(added.get_json()["id"])
        return ids


def outbox_emails(app) -> list:
    """Every email in the outbox, oldest first: (to, subject, text)."""
    found = []
    for path in sorted(outbox_folder(app).glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        text = message.get_body(preferencelist=("plain",)).get_content()
        found.append((message["To"].addresses[0].addr_spec, str(message["Subject"]), text))
    return found

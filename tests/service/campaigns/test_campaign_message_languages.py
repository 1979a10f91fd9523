"""A campaign's refusals in the caller's language (here German, by Accept-Language); the
field names of the errors stay as they are."""

from __future__ import annotations

from tests.service.campaigns.helpers import Org
from tests.service.test_api_message_languages import GERMAN


def test_an_incomplete_list_of_raters_is_refused_in_german(api):
    org = Org(api)
    created = org.campaign(subjects=("ann",))
    round_id = created["rounds"][0]["id"]
    org.name_peers(org.ann, round_id, 1)
    path = f"/api/v1/rounds/{round_id}/nominations"
    refused = api.call("POST", path, org.ann, headers=GERMAN)
    assert refused.status_code == 422
    document = refused.get_json()
    # One peer named, the campaign's rules ask for at least two (CAMPAIGN_RULES).
    assert document["message"].startswith(
        "die Liste der Feedbackgebenden ist noch nicht vollständig: "
        "Kolleginnen und Kollegen: 1 genannt, mindestens 2 nötig"
    )
    assert document["errors"]["json"] == {
        "minimum_raters": ["Kolleginnen und Kollegen: 1 genannt, mindestens 2 nötig"]
    }
    # Asked without a language, the same refusal stays in English.
    english = api.call("POST", path, org.ann).get_json()["message"]
    assert english.startswith(
        "the list of raters is not complete: peers: 1 named, at least 2 needed"
    )


def test_a_campaign_with_broken_rules_is_refused_in_german(api):
    org = Org(api)
    body = {"name": "Herbst", "subjects": ["ann@example.org"]}
    body |= {"nomination_deadline": "2020-01-01T00:00:00Z", "deadline": "2020-01-02T00:00:00Z"}
    refused = api.call("POST", "/api/v1/campaigns", org.hr, json=body, headers=GERMAN)
    assert refused.status_code == 422
    document = refused.get_json()
    assert document["errors"]["json"]["nomination_deadline"] == ["muss in der Zukunft liegen"]
    assert document["message"].startswith("diese Kampagne kann nicht gestartet werden: ")

"""The history page: the person's own and, for HR, anyone's; its table holds every number the
chart draws; plotly.js comes from this site."""

from __future__ import annotations

import json
import re

from tests.service.test_change_at_close import MAYA, closed_round
from tests.service.web.pages import words


def test_the_person_sees_their_rounds_in_a_table_and_the_chart_data(api, person_session):
    _, hr = api.person("hr", email="hana@example.org")
    api.person("member", name="Maya Lind", email=MAYA)
    closed_round(api, hr, [2, 3, 3, 3], self_score=5)
    closed_round(api, hr, [4, 4, 4, 3])
    maya = person_session(MAYA)
    page = maya.html("/history")
    text = words(page)
    assert "Your history" in text
    assert 'aria-current="page">History</a>' in page
    # Each round's all others: (2 + 3 + 3 + 3) / 4 = 2.75, then (4 + 4 + 4 + 3) / 4 = 3.75.
    assert "Emotional intelligence 2.75 You: 5.00 3.75 You: —" in text
    data = json.loads(re.search(r'id="history-data">(.*?)</script>', page, re.S).group(1))
    # Both rounds closed today: the second is told apart.
    assert len(data["rounds"]) == 2 and data["rounds"][1] == data["rounds"][0] + " (2)"
    assert data["skills"][0] == {
        "name": "Emotional intelligence",
        "others": [2.75, 3.75],
        "self": [5.0, None],
    }
    assert '<script src="/assets/plotly.min.js" defer></script>' in page


def test_hr_sees_anyones_history_and_a_member_may_not(api, person_session, app):
    _, hr = api.person("hr", name="Hana Reyes", email="hana@example.org")
    maya_id, _ = api.person("member", name="Maya Lind", email=MAYA)
    api.person("member", name="Omar Diaz", email="omar@example.org")
    closed_round(api, hr, [2, 3, 3, 3])
    hana = person_session("hana@example.org")
    assert "History of Maya Lind" in words(hana.html(f"/hr/people/{maya_id}/history"))
    people = hana.html("/hr/people")
    assert f'href="/hr/people/{maya_id}/history"' in people
    assert hana.get("/hr/people/no-such-person/history").status_code == 404
    omar = person_session("omar@example.org")
    assert omar.get(f"/hr/people/{maya_id}/history").status_code == 403
    assert "no closed 360 yet" in words(omar.html("/history"))
    assert "/assets/plotly.min.js" not in omar.html("/history")
    signed_out = app.test_client().get("/history")
    assert signed_out.status_code in (302, 303)


def test_plotly_is_served_from_this_site(client):
    with client.get("/assets/plotly.min.js") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert b"plotly" in response.get_data()[:2000].lower()
        assert "max-age=604800" in response.headers["Cache-Control"]

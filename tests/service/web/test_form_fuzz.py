"""Whatever a client posts to the survey form, the answer is a page, never a server error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.instrument import load_instrument

INSTRUMENT = load_instrument("soft-skills", "1")
FIELDS = st.sampled_from(
    [
        *(f"answer-{item}" for item in INSTRUMENT.item_ids[:3]),
        *(f"comment-{key}" for key in INSTRUMENT.comment_keys[:2]),
        "answer-nope",
        "comment-nope",
        "reason",
        "action",
        "extra",
    ]
)
VALUES = st.sampled_from(["1", "5", "na", "0", "6", "save", "submit", "", "a\x00b"]) | st.text(
    max_size=30
)


def test_random_forms_never_cause_a_server_error(launched, rater_session):
    _, _, tokens = launched
    session = rater_session(tokens["pat@example.org"])
    csrf = session.csrf_token()

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        path=st.sampled_from(["/survey", "/survey/draft", "/survey/decline"]),
        form=st.dictionaries(FIELDS, VALUES, max_size=6),
    )
    def check(path, form):
        response = session.client.post(path, data={**form, "csrf_token": csrf})
        assert response.status_code < 500, (path, form, response.get_data(as_text=True)[:300])

    check()

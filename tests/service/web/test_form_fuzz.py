"""Whatever a client posts to the survey form, the answer is a page, never a server error;
and the fuzzer provably reaches the forms' success paths, each example starting from a
rater of its own who has not answered yet."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from surveys.instrument import load_instrument
from tests.service.web.pages import RaterSession, new_rater_token

INSTRUMENT = load_instrument("soft-skills", "1")
# What each form answers when it is accepted: back to the survey page, or the autosave's JSON.
ACCEPTED = {"/survey": 303, "/survey/draft": 200, "/survey/decline": 303}
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
CHOICES = st.sampled_from(["1", "2", "3", "4", "5", "na"])
# Printable text: NUL and other control characters are refused, as they should be.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
COMMENTS = st.dictionaries(st.sampled_from([f"comment-{k}" for k in INSTRUMENT.comment_keys]), TEXT)


def valid_forms(path: str):
    """Forms a browser would send that each page accepts: a complete submission, a partial
    autosave, a decline with or without a reason."""
    if path == "/survey":
        answers = st.fixed_dictionaries({f"answer-{item}": CHOICES for item in INSTRUMENT.item_ids})
        return st.builds(lambda a, c: {**a, **c, "action": "submit"}, answers, COMMENTS)
    if path == "/survey/draft":
        some = st.dictionaries(st.sampled_from(INSTRUMENT.item_ids), CHOICES, max_size=5)
        return st.builds(
            lambda a, c: {**{f"answer-{k}": v for k, v in a.items()}, **c}, some, COMMENTS
        )
    return st.fixed_dictionaries({}, optional={"reason": TEXT})


@st.composite
def posts(draw):
    """(path, valid, form): a form a browser would send, or anything at all."""
    path = draw(st.sampled_from(sorted(ACCEPTED)))
    valid = draw(st.booleans())
    form = draw(valid_forms(path) if valid else st.dictionaries(FIELDS, VALUES, max_size=6))
    return path, valid, form


# One accepted form per page, always tried, so every page's success path is taken in every
# run; the generated examples take it too, and must.
COMPLETE = {f"answer-{item}": "4" for item in INSTRUMENT.item_ids} | {"action": "submit"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(post=posts())
@example(post=("/survey", True, COMPLETE))
@example(post=("/survey/draft", True, {"answer-ei_1": "na"}))
@example(post=("/survey/decline", True, {"reason": "I joined the team last week"}))
def check_post(app, round_id: str, accepted: Counter, post) -> None:
    path, valid, form = post
    # A rater of their own, who has not answered: one decline cannot turn every later
    # example into a "this survey is closed" page.
    session = RaterSession(app, new_rater_token(app, round_id))
    assert session.open_link().status_code == 303
    response = session.client.post(path, data={**form, "csrf_token": session.csrf_token()})
    assert response.status_code < 500, (path, form, response.get_data(as_text=True)[:300])
    event(f"{path} {form.get('action', '')}: {response.status_code}")
    if valid:
        assert response.status_code == ACCEPTED[path], (path, form, response.status_code)
    if response.status_code == ACCEPTED[path]:
        accepted[path] += 1


def test_random_forms_never_cause_a_server_error_and_valid_ones_are_accepted(app, launched):
    _, created, _ = launched
    accepted: Counter = Counter()
    check_post(app, created["id"], accepted)
    assert set(accepted) == set(ACCEPTED), accepted

"""The survey form: wording, save and resume, unanswered items, submit, decline, closed rounds."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import DeclineReason
from service.services.survey import MAX_DECLINE_REASON
from surveys.instrument import load_instrument
from surveys.questionnaire import MAX_COMMENT_LENGTH
from tests.service.stored_responses import stored_response
from tests.service.web.pages import words

INSTRUMENT = load_instrument("soft-skills", "1")
ITEMS = INSTRUMENT.item_ids
PAT = "pat@example.org"


def checked(html: str) -> dict[str, str]:
    """The radio value checked for each item in a rendered page."""
    return dict(re.findall(r'name="answer-(\w+)" value="(\w+)" checked', html))


def all_answers(score: str = "4") -> dict[str, str]:
    return {f"answer-{item}": score for item in ITEMS}


@pytest.fixture
def pat(launched, rater_session):
    _, _, tokens = launched
    return rater_session(tokens[PAT])


def test_the_page_shows_subject_purpose_deadline_and_who_sees_what(pat):
    html = pat.html()
    text = words(html)
    assert "Feedback for Maya Lind" in text
    assert "helps Maya see their strengths" in text
    assert re.search(r"Please finish by \w+day \d+ \w+ \d{4}, \d\d:\d\d UTC", text)
    assert "Maya sees them only averaged with other raters' scores" in text
    assert "in a group of at least 3 people" in text
    assert (
        "manager, whose scores are shown as their own group, wherever the scores of at least "
        "3 other colleagues are shown beside them"
    ) in text
    assert "comments are shown word for word, but without your name" in text
    assert "Maya and HR see the report once the round closes" in text
    for number, skill in enumerate(INSTRUMENT.skills, start=1):
        assert f"Section {number} of 7 {skill.name} {skill.description} 0 of 5 answered" in text
    assert INSTRUMENT.items[0].observer_text.replace("{name}", "Maya") in text
    # A fieldset per item, a label around every choice, don't know last.
    assert html.count('<fieldset class="item"') == len(ITEMS)
    assert html.count('<label class="choice') == html.count('type="radio"') == 6 * len(ITEMS)
    assert "1 Strongly disagree 2 Disagree" in text
    assert "5 Strongly agree Don't know / not observed" in text
    assert 'name="comment-keep_doing"' in html and 'name="comment-do_differently"' in html


@pytest.mark.parametrize("subject_sees_report", [True, False])
def test_who_sees_the_report_follows_the_organisations_setting(
    app, launched, rater_session, person_session, monkeypatch, subject_sees_report
):
    """Where people may not read their own report, the survey does not promise a rater (or
    the person, on their self-assessment) that the person will read it."""
    monkeypatch.setitem(app.config, "SUBJECT_SEES_REPORT", subject_sees_report)
    _, created, tokens = launched
    peer = words(rater_session(tokens[PAT]).html()).split("Who sees what", 1)[1]
    own = words(rater_session(tokens["maya@example.org"]).html()).split("Who sees what", 1)[1]
    preview = words(person_session("maya@example.org").html(f"/rounds/{created['id']}/preview"))
    shared = "Maya and HR see the report once the round closes."
    hr_only = "Only HR sees the report once the round closes;"
    if subject_sees_report:
        assert shared in peer and shared in preview
        assert "You and HR see the report once the round closes." in own
        assert hr_only not in peer + own + preview
    else:
        assert f"{hr_only} Maya can ask HR for a conversation about it." in peer
        assert f"{hr_only} Maya can ask HR for a conversation about it." in preview
        assert f"{hr_only} you can ask HR for a conversation about it." in own
        assert "see the report once the round closes" not in peer + own + preview


def test_the_notice_tells_the_manager_their_scores_are_their_own_group(launched, rater_session):
    _, _, tokens = launched
    html = words(rater_session(tokens["morgan@example.org"]).html())
    # Only beside a shown group of others (scoring.md: with no other group of k, the
    # manager is folded into "others").
    assert (
        "your scores are shown as their own group, “Manager”, so Maya can tell they come "
        "from their manager, wherever the scores of at least 3 other colleagues are shown "
        "beside them. Elsewhere, your scores only count in the average of everyone's."
    ) in html
    assert "in a group of at least" not in html


COUNTS_PROMISE = (
    "how many people were asked for feedback, but how many answered or declined only "
    "for groups of at least 4 people asked, and never who."
)


@pytest.fixture
def round_with_k_4(api, rater_session):
    """Survey sessions by rater email, in a round about Maya Lind with k = 4."""
    _, token = api.person("member", name="Maya Lind", email="maya@example.org")
    created = api.create_round(token, anonymity_threshold=4)
    return {email: rater_session(t) for email, t in api.launch(token, created["id"]).items()}


@pytest.mark.parametrize(
    ("email", "who"),
    [
        ("pat@example.org", "Maya sees"),
        ("morgan@example.org", "Maya sees"),
        ("maya@example.org", "You see"),
    ],
)
def test_who_sees_what_promises_counts_only_for_groups_of_k_asked(round_with_k_4, email, who):
    # A lone manager who declined once showed as "Manager: 0 of 1 answered, 1 declined":
    # answered and declined are shown only for groups of at least k people asked.
    privacy = words(round_with_k_4[email].html()).split("Who sees what", 1)[1]
    assert f"{who} {COUNTS_PROMISE}" in privacy
    assert "at least 3" not in privacy


def test_the_decline_section_and_page_keep_the_same_promise(round_with_k_4):
    pat = round_with_k_4["pat@example.org"]
    decline_section = words(pat.html()).split("Can't give feedback?", 1)[1]
    assert f"Maya sees {COUNTS_PROMISE}" in decline_section
    assert "sees only how many people declined" not in decline_section
    assert pat.post("/survey/decline", data={}).status_code == 303
    assert f"Maya sees {COUNTS_PROMISE}" in words(pat.html())


def test_the_self_assessment_has_no_count_promise_on_declining(round_with_k_4):
    maya = round_with_k_4["maya@example.org"]
    assert COUNTS_PROMISE not in words(maya.html()).split("Can't give feedback?", 1)[1]
    assert maya.post("/survey/decline", data={}).status_code == 303
    assert COUNTS_PROMISE not in words(maya.html())


def test_the_self_survey_uses_the_i_wording(launched, rater_session):
    _, _, tokens = launched
    html = words(rater_session(tokens["maya@example.org"]).html())
    assert "Your self-assessment" in html
    assert INSTRUMENT.items[0].self_text in html
    assert "Maya stays composed" not in html


def test_save_keeps_a_draft_that_the_link_opens_again(launched, pat, rater_session):
    _, _, tokens = launched
    form = {"action": "save", "answer-ei_1": "5", "answer-ei_2": "na", "comment-empathy": "Kind."}
    saved = pat.post(data=form)
    assert saved.status_code == 303 and saved.headers["Location"] == "/survey"
    html = pat.html()
    assert "Your answers are saved." in html
    assert checked(html) == {"ei_1": "5", "ei_2": "na"}
    assert ">Kind.</textarea>" in html
    assert "2 of 5 answered" in words(html)

    later = rater_session(tokens[PAT]).html()  # another day, another browser
    assert checked(later) == {"ei_1": "5", "ei_2": "na"}
    assert "Your answers are saved." not in later


def test_autosave_answers_json_under_the_web_session(api, launched, pat):
    _, _, tokens = launched
    token = pat.csrf_token()
    response = pat.client.post(
        "/survey/draft",
        data={"answer-ei_1": "3", "comment-keep_doing": "Line one\r\nline two"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json()["response_status"] == "draft"
    assert response.get_json()["saved_at"]
    assert response.headers["Cache-Control"] == "no-store"
    draft = api.survey(tokens[PAT])["draft"]
    assert draft == {"answers": {"ei_1": 3}, "comments": {"keep_doing": "Line one\nline two"}}


def test_autosave_refusals_are_json(pat):
    token = pat.csrf_token()
    response = pat.client.post(
        "/survey/draft",
        data={"comment-empathy": "x" * (MAX_COMMENT_LENGTH + 1)},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "5,000" in response.get_json()["message"]


def test_submit_with_unanswered_items_lists_each_with_a_link(api, launched, pat):
    _, _, tokens = launched
    given = dict(list(all_answers().items())[:17])
    response = pat.post(data={"action": "submit", **given, "comment-empathy": "Listens well."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Almost there: 18 statements still need an answer" in words(html)
    missing = ITEMS[17:]
    links = re.findall(r'<li><a href="#item-(\w+)">', html)
    assert links == list(missing)
    for item in missing:
        assert f'id="item-{item}"' in html
    # What the rater gave stays in the form; nothing was stored.
    assert checked(html) == {item: "4" for item in ITEMS[:17]}
    assert ">Listens well.</textarea>" in html
    assert api.survey(tokens[PAT])["response_status"] == "pending"


def test_submit_stores_the_response_and_thanks_the_rater(api, launched, pat):
    _, _, tokens = launched
    form = {"action": "submit", **all_answers(), "answer-ei_3": "na", "comment-empathy": "Kind."}
    response = pat.post(data=form)
    assert response.status_code == 303
    page = pat.page()
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Thank you!" in html and "can no longer be changed" in words(html)
    assert "your answers are never shown again, here or to anyone who opens your link" in (
        words(html)
    )
    assert "<form" not in html and "Kind." not in html
    stored = stored_response(api.app, tokens[PAT])
    assert stored["status"] == "submitted"
    assert stored["answers"]["ei_3"] is None
    assert stored["comments"] == {"empathy": "Kind."}


def test_a_submitted_response_cannot_change(pat):
    csrf = pat.csrf_token()
    assert pat.post(data={"action": "submit", **all_answers()}).status_code == 303
    again = pat.client.post(
        "/survey", data={"csrf_token": csrf, "action": "save", **all_answers("1")}
    )
    assert again.status_code == 409
    assert "Thank you!" in again.get_data(as_text=True)
    assert "<form" not in again.get_data(as_text=True)


def test_a_long_comment_gets_a_clear_message_and_is_kept(pat):
    text = "y" * (MAX_COMMENT_LENGTH + 12)
    response = pat.post(data={"action": "save", "comment-empathy": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This comment is 5,012 characters long; the limit is 5,000" in html
    assert "shorten it by 12" in html
    assert '<a href="#comment-empathy">' in html
    assert f">{text}</textarea>" in html
    at_the_limit = pat.post(data={"action": "save", "comment-empathy": "z" * MAX_COMMENT_LENGTH})
    assert at_the_limit.status_code == 303


def test_html_in_a_comment_is_shown_as_text(pat):
    typed = '<script>alert("hi")</script><b>bold</b>'
    assert pat.post(data={"action": "save", "comment-empathy": typed}).status_code == 303
    html = pat.html()
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html


@pytest.mark.parametrize(
    "form",
    [
        {"action": "publish"},
        {"action": "save", "answer-ei_1": "7"},
        {"action": "save", "answer-ei_1": "4.0"},
        {"action": "submit", "answer-not_an_item": "3"},
        {"action": "save", "comment-not_a_skill": "hello"},
        {"action": "save", "comment-empathy": "NUL \x00 inside"},
    ],
)
def test_hand_made_forms_get_a_clear_4xx(pat, form):
    response = pat.post(data=form)
    assert 400 <= response.status_code < 500
    assert response.content_type.startswith("text/html")


def test_decline_with_a_reason(api, launched, pat):
    _, _, tokens = launched
    assert pat.post(data={"action": "save", "answer-ei_1": "2"}).status_code == 303
    response = pat.post("/survey/decline", data={"reason": "I joined last week."})
    assert response.status_code == 303
    html = pat.html()
    assert "You declined to give feedback for Maya Lind" in words(html)
    assert "<form" not in html
    assert stored_response(api.app, tokens[PAT]) == {
        "status": "declined",
        "answers": {},
        "comments": {},
    }


def test_a_too_long_decline_reason_is_explained(pat):
    response = pat.post("/survey/decline", data={"reason": "r" * 1001})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is 1,001 characters long; the limit is 1,000" in words(html)
    assert "<details open>" in html


def test_the_decline_reason_box_has_the_services_limit(pat):
    html = pat.html()
    box = re.search(r"<textarea id=\"decline-reason\"[^>]*>", html).group(0)
    assert f'maxlength="{MAX_DECLINE_REASON}"' in box
    assert f'data-max-length="{MAX_DECLINE_REASON}"' in box
    assert "Up to 1,000 characters." in words(html)


def test_a_too_long_decline_reason_is_summarised_focused_and_kept(api, launched, pat):
    # Posted by hand, past the browser's limit: the page opens on the problem.
    _, _, tokens = launched
    typed = "Busy <b>this</b> month. " + "r" * 1000
    response = pat.post("/survey/decline", data={"reason": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" id="decline-problems"[^>]*>', html)
    assert summary is not None
    for attribute in ('role="alert"', 'tabindex="-1"', "autofocus"):
        assert attribute in summary.group(0)
    # "Busy <b>this</b> month. " is 24 characters, and 1,000 more make 1,024.
    assert "You have not declined yet" in words(html)
    assert (
        '<a href="#decline-reason">The reason is 1,024 characters long; the limit is 1,000.</a>'
        in html
    )
    # Kept as typed, shown as text.
    assert f">{typed.replace('<', '&lt;').replace('>', '&gt;')}</textarea>" in html
    # The summary is the only thing asking for focus.
    assert html.count("autofocus") == 1
    assert api.survey(tokens[PAT])["response_status"] == "pending"


def test_a_reason_at_the_limit_counts_line_breaks_once(app, launched, pat):
    # Browsers send a textarea's line breaks as CRLF while maxlength (and the counter)
    # count each once: nine lines of 99 letters and one of 100 are 991 letters, and with
    # the 9 breaks between them exactly 1,000 characters, which the browser lets through.
    _, created, _ = launched
    lines = ["x" * 99] * 9 + ["x" * 100]
    response = pat.post("/survey/decline", data={"reason": "\r\n".join(lines)})
    assert response.status_code == 303
    with app.app_context():
        # Kept with the round only: nothing links it to the rater who declined.
        stored = db.session.scalar(
            select(DeclineReason.text).where(DeclineReason.round_id == created["id"])
        )
    assert stored == "\n".join(lines)
    assert len(stored) == MAX_DECLINE_REASON


def test_the_introduction_links_to_declining(pat):
    html = pat.html()
    intro = html.split('<header class="intro">', 1)[1].split("</header>", 1)[0]
    assert "Not able to give feedback?" in words(intro)
    assert '<a href="#decline">Decline instead</a>' in intro
    # Its target is inside the decline section's details, above the form.
    details = html.split('<section class="decline"', 1)[1]
    assert details.index('id="decline"') < details.index('id="decline-form"')


def test_the_saved_notice_comes_first_and_asks_for_focus(pat):
    assert pat.post(data={"action": "save", "answer-ei_1": "2"}).status_code == 303
    html = pat.html()
    notice = re.search(r'<div class="notice" id="saved"[^>]*>', html)
    assert notice is not None
    for attribute in ('role="status"', 'tabindex="-1"', "autofocus"):
        assert attribute in notice.group(0)
    assert html.index('id="saved"') < html.index("<h1>")
    assert html.count("autofocus") == 1
    # Shown once: the next visit starts without it.
    assert 'id="saved"' not in pat.html()


def test_a_closed_round_shows_a_page_without_a_form(api, launched, pat):
    owner, created, _ = launched
    csrf = pat.csrf_token()
    assert pat.post(data={"action": "save", "answer-ei_1": "2"}).status_code == 303
    assert api.call("POST", f"/api/v1/rounds/{created['id']}/close", owner).status_code == 200
    html = pat.html()
    assert "The feedback round for Maya Lind has been closed" in words(html)
    assert "Your saved draft was not submitted" in words(html)
    assert "<form" not in html
    late = pat.client.post(
        "/survey", data={"csrf_token": csrf, "action": "submit", **all_answers()}
    )
    assert late.status_code == 409
    assert "This survey is closed" in late.get_data(as_text=True)


def test_a_passed_deadline_shows_a_page_without_a_form(launched, pat, clock):
    clock.advance(days=15)
    html = pat.html()
    assert re.search(r"The deadline, \w+day .* UTC , has passed", words(html))
    assert "<form" not in html


def test_every_survey_page_is_not_stored(launched, pat, client):
    _, _, tokens = launched
    assert client.get(f"/s/{tokens[PAT]}").headers["Cache-Control"] == "no-store"
    assert client.get("/s/nope").headers["Cache-Control"] == "no-store"
    assert pat.page().headers["Cache-Control"] == "no-store"
    assert pat.post(data={"action": "save"}).headers["Cache-Control"] == "no-store"

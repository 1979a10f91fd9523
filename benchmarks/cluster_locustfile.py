"""The users benchmarks/cluster.py sends at the proxy (Locust, headless, run by that script).

CLUSTER_PLAN names the JSON file the script wrote (links, HR accounts, round ids, the pace);
CLUSTER_OUT the folder this process writes to when it quits: every request it made
(requests.csv) and the raters whose submission was acknowledged (acknowledged.json).

- RaterUser: one rater each, once: open the link, read the page, save a draft, submit.
  Their starts are spread over the run, so raters are mid-survey whenever a process dies.
- HRUser: signs in with a password, then reads the dashboard, rounds, a round's page and
  the closed round's report (page and PDF) until the run ends.
- DraftUser (the throughput phase): a rater with a draft, reading the page and autosaving
  as fast as the servers answer.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, events, task

from surveys.instrument import load_instrument

PLAN = json.loads(Path(os.environ["CLUSTER_PLAN"]).read_text())
OUT = Path(os.environ["CLUSTER_OUT"])
INSTRUMENT = load_instrument("soft-skills")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COMMENT = "Clear weekly updates; she asks the quiet people first."

# One gevent process: these are shared by its greenlets without locks.
rater_links = iter(enumerate(PLAN["raters"]))
hr_accounts = itertools.cycle(PLAN["hr_users"])
draft_links = itertools.cycle(PLAN["draft_raters"])
requests_seen: list[tuple[float, float, str, int, float, str]] = []
acknowledged: list[str] = []


@events.request.add_listener
def record(request_type, name, response_time, response, exception, start_time=None, **_kw):
    end = time.time()
    start = start_time if start_time is not None else end - response_time / 1000
    status = getattr(response, "status_code", 0) or 0
    requests_seen.append(
        (start, end, name, status, response_time, repr(exception)[:200] if exception else "")
    )


@events.quitting.add_listener
def write_results(environment, **_kw):
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "requests.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "end", "name", "status", "ms", "error"])
        writer.writerows(requests_seen)
    (OUT / "acknowledged.json").write_text(json.dumps(acknowledged))


def csrf_token(response) -> str:
    if found := CSRF.search(response.text):
        return found.group(1)
    raise ValueError(f"no CSRF token in the page at {response.url} ({response.status_code})")


def answers(share: float = 1.0) -> dict[str, str]:
    items = INSTRUMENT.item_ids[: max(1, int(len(INSTRUMENT.item_ids) * share))]
    return {f"answer-{item}": str(random.randint(1, 5)) for item in items}


class RaterUser(HttpUser):
    """A rater answering once, at the moment their slot in the run comes."""

    fixed_count = len(PLAN["raters"])
    wait_time = constant(1)

    def on_start(self):
        self.index, self.rater = next(rater_links)
        self.done = False
        # Raters start one after another over the run's spread, not all at once.
        slot = PLAN["started_at"] + self.index * PLAN["spread"] / len(PLAN["raters"])
        gevent.sleep(max(0.0, slot - time.time()))

    def think(self):
        gevent.sleep(random.uniform(0.5, 1.5) * PLAN["think"])

    @task
    def answer_once(self):
        if self.done:
            return
        self.done = True
        opened = self.client.get(self.rater["path"], name="open link", allow_redirects=False)
        if opened.status_code != 303:
            return
        page = self.client.get("/survey", name="survey page")
        if page.status_code != 200:
            return
        self.think()
        token = csrf_token(page)
        saved = self.client.post(
            "/survey",
            data={"csrf_token": token, "action": "save", **answers(0.5)},
            name="save draft",
            allow_redirects=False,
        )
        if saved.status_code != 303:
            return
        self.client.get("/survey", name="survey page")
        self.think()
        form = {"csrf_token": token, "action": "submit", **answers()}
        form |= {f"comment-{key}": COMMENT for key in INSTRUMENT.comment_keys[:2]}
        with self.client.post(
            "/survey", data=form, name="submit", allow_redirects=False, catch_response=True
        ) as submitted:
            if submitted.status_code == 303:
                acknowledged.append(self.rater["id"])
                submitted.success()
            else:
                submitted.failure(f"submit answered {submitted.status_code}")
                return
        self.client.get("/survey", name="survey page")


class HRUser(HttpUser):
    """An HR person following the rounds in the pages."""

    fixed_count = len(PLAN["hr_users"])
    wait_time = between(1, 3)

    def on_start(self):
        account = next(hr_accounts)
        page = self.client.get("/sign-in", name="sign-in page")
        with self.client.post(
            "/sign-in/password",
            data={
                "csrf_token": csrf_token(page),
                "pw-email": account["email"],
                "pw-password": account["password"],
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as signed_in:
            if signed_in.status_code != 303:
                signed_in.failure(f"sign-in answered {signed_in.status_code}")

    @task(3)
    def dashboard(self):
        self.client.get("/hr", name="HR dashboard")

    @task(2)
    def rounds(self):
        self.client.get("/rounds", name="rounds list")

    @task(3)
    def round_page(self):
        round_id = random.choice(PLAN["open_rounds"])
        self.client.get(f"/rounds/{round_id}", name="round page")

    @task(1)
    def report_page(self):
        self.client.get(f"/rounds/{PLAN['closed_round']}/report", name="report page")

    @task(1)
    def report_pdf(self):
        self.client.get(f"/rounds/{PLAN['closed_round']}/report.pdf", name="report PDF")


class DraftUser(HttpUser):
    """A rater with a draft open, reading the page and autosaving without pause."""

    wait_time = constant(0)

    def on_start(self):
        self.client.get(next(draft_links), name="open link")
        self.token = csrf_token(self.client.get("/survey", name="survey page"))

    @task
    def read_and_autosave(self):
        self.client.get("/survey", name="survey page")
        self.client.post(
            "/survey/draft",
            data={"csrf_token": self.token, **answers(0.5)},
            name="autosave",
        )

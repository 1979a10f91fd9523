"""Prints the figures of the campaign goals, in process on SQLite with the SQLite queue
(tasks queued, none run).

    .venv/bin/python benchmarks/bench_campaigns.py [--subjects 2000] [--raters 10]

1. A campaign of 2,000 people created (a draft round, a self-assessment and a nomination
   email job each). Goal: <= 10 s.
2. Launching 2,000 approved rounds of 10 raters (20,000 invitation jobs queued) through
   POST /api/v1/campaigns/{id}/launch. Goal: <= 60 s.
3. The campaign page with 2,000 rounds, signed in as HR, Flask test client: median and p95
   of 20 warm requests. Goal: <= 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_jobs import make_app
from service.extensions import db
from service.models import Job, Person, Rater, Round
from service.models.types import new_id
from service.services.campaigns.setup import create_campaign
from service.services.people import create_person, issue_api_token
from tests.service.web.pages import PersonSession

TEAM_SIZE = 20


def add_people(subjects: int) -> list[str]:
    """Managers of TEAM_SIZE people each, in five departments; returns the emails."""
    now = datetime.now(UTC)
    managers = [
        {
            "id": new_id(),
            "email": f"m{n}@bench.example",
            "name": f"Manager {n}",
            "role": "member",
            "created_at": now,
            "department": f"Dept {n % 5}",
        }
        for n in range(-(-subjects // TEAM_SIZE))
    ]
    people = [
        {
            "id": new_id(),
            "email": f"p{n}@bench.example",
            "name": f"Person {n}",
            "role": "member",
            "created_at": now,
            "department": f"Dept {n % 5}",
            "manager_id": managers[n // TEAM_SIZE]["id"],
        }
        for n in range(subjects)
    ]
    db.session.execute(insert(Person), managers)
    db.session.execute(insert(Person), people)
    db.session.commit()
    return [p["email"] for p in people]


def approve_all(campaign_id: str, raters: int) -> None:
    """Each round gets raters - 1 peers besides the self-assessment, and is approved."""
    now = datetime.now(UTC)
    round_ids = db.session.scalars(select(Round.id).where(Round.campaign_id == campaign_id)).all()
    rows = [
        {
            "id": new_id(),
            "round_id": round_id,
            "name": f"Peer {n}",
            "email": f"peer{n}-{round_id[:8]}@bench.example",
            "relationship": "peer",
            "response_status": "pending",
            "created_at": now,
        }
        for round_id in round_ids
        for n in range(raters - 1)
    ]
    db.session.execute(insert(Rater), rows)
    db.session.execute(
        update(Round).where(Round.campaign_id == campaign_id).values(nomination_stage="approved")
    )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--raters", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = make_app(instance, JOBS_IMMEDIATE=False, REDIS_URL="")
        with app.app_context():
            hr = create_person("hana@bench.example", "Hana Reyes", "hr")
            hr_id, token = hr.id, issue_api_token(hr.id)
            emails = add_people(args.subjects)
            started = time.perf_counter()
            campaign = create_campaign(
                hr_id,
                name="Bench 360",
                subjects=emails,
                nomination_deadline=datetime.now(UTC) + timedelta(days=7),
                deadline=datetime.now(UTC) + timedelta(days=21),
                minimum_raters={"peer": 3},
            )
            created = time.perf_counter() - started
            campaign_id = campaign.id
            print(f"campaign of {args.subjects} people created: {created:.2f} s (goal <= 10 s)")
            approve_all(campaign_id, args.raters)
            db.session.remove()
        client = app.test_client()
        started = time.perf_counter()
        launched = client.post(
            f"/api/v1/campaigns/{campaign_id}/launch", headers={"Authorization": f"Bearer {token}"}
        )
        launch_time = time.perf_counter() - started
        with app.app_context():
            invitations = db.session.scalar(
                select(func.count()).select_from(Job).where(Job.kind == "invitation")
            )
        print(
            f"launch {launched.get_json()}: {launch_time:.2f} s, {invitations} invitations "
            "queued (goal <= 60 s)"
        )
        browser = PersonSession(app, "hana@bench.example")
        path = f"/hr/campaigns/{campaign_id}"
        if browser.get(path).status_code != 200:
            raise SystemExit("the campaign page did not open")
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            page = browser.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if page.status_code != 200:
                raise SystemExit(f"the campaign page answered {page.status_code}")
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"campaign page with {args.subjects} rounds: "
            f"median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms "
            "(goal <= 200 ms)"
        )


if __name__ == "__main__":
    main()

"""GET /healthz (the process answers) and GET /readyz (every part it needs answers), for a
load balancer or a container's health check: outside sign-in, and showing no secret."""

from __future__ import annotations

from flask import Blueprint, Flask

from service.services.health import readiness

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Alive: answers without touching the database or anything else."""
    return {"status": "ok"}


@health.get("/readyz")
def readyz():
    """Ready for traffic: 200 when every check passes, else 503 naming the failing ones."""
    ready, document = readiness()
    return document, 200 if ready else 503


def init_health(app: Flask) -> None:
    app.register_blueprint(health)

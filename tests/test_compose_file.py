"""compose.yaml: the services of a production set-up, each with a health check, and app
settings the app really reads (a misspelt one would be silently ignored)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker-1", "worker-2")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def settings_the_app_reads() -> set[str]:
    """The environment variables service/config.py reads: environ.get("X"), environ["X"]
    and its helpers called as _x_setting(environ, "X", …)."""
    text = (ROOT / "service" / "config.py").read_text()
    return set(re.findall(r'environ(?:\.get\(|\[|, )"([A-Z][A-Z0-9_]*)"', text))


def test_the_settings_reader_finds_the_settings():
    assert {"DATABASE_URL", "SECRET_KEY", "SMTP_URL", "HOUSEKEEPING_MINUTES"} <= (
        settings_the_app_reads()
    )
    assert "POSTGRES_PASSWORD" not in settings_the_app_reads()


def test_the_services_of_a_production_set_up():
    services = _compose()["services"]
    assert set(services) == {*APP_SERVICES, "postgres", "redis", "caddy"}
    assert services["web"]["image"] == services["worker-1"]["image"] == "feedback360:latest"
    for name in ("worker-1", "worker-2"):
        assert services[name]["command"] == ["feedback360", "worker", "--workers", "2"]
        # Time to finish the emails in hand after SIGTERM.
        assert services[name]["stop_grace_period"] == "60s"


def test_every_service_but_the_proxy_has_a_health_check():
    services = _compose()["services"]
    check = {
        name: " ".join(s["healthcheck"]["test"]) for name, s in services.items() if name != "caddy"
    }
    assert "http://127.0.0.1:8000/readyz" in check["web"]
    assert all("/proc/1/cmdline" in check[w] and "worker" in check[w] for w in APP_SERVICES[1:])
    assert check["postgres"].startswith("CMD pg_isready")
    assert check["redis"] == "CMD redis-cli ping"
    # Caddy waits for a ready web service, the workers too (it migrates the database).
    assert services["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["worker-1"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_app_services_set_only_settings_the_app_reads():
    services = _compose()["services"]
    known = settings_the_app_reads()
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert set(environment) <= known, f"{name} sets {sorted(set(environment) - known)}"
        assert {"DATABASE_URL", "REDIS_URL", "SMTP_URL", "BASE_URL", "SECRET_KEY"} <= set(
            environment
        )
        assert services[name]["env_file"] == ".env"
        assert environment["DATABASE_URL"].endswith("@postgres:5432/feedback360")
        assert environment["REDIS_URL"].startswith("redis://redis:6379/")


def test_data_lives_in_volumes_and_caddy_serves_tls_in_front_of_web():
    compose = _compose()
    services = compose["services"]
    assert set(compose["volumes"]) == {"instance", "postgres", "redis", "caddy"}
    assert "instance:/data" in services["web"]["volumes"]  # the image's INSTANCE_PATH
    assert "postgres:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis:/data" in services["redis"]["volumes"]
    [mount] = [v for v in services["caddy"]["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro")]
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    assert "tls internal" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile

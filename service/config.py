"""Settings read from the environment, with safe defaults for the embedded set-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import limits

from reports.anonymity import DEFAULT_THRESHOLD, THRESHOLD_RANGE
from service.mail.transport import MailConfigError, parse_smtp_url

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
DATABASE_FILE = "feedback360.sqlite3"
MAX_REMINDER_DAY = 60


class ConfigurationError(RuntimeError):
    """The deployment's settings cannot work; the message says which one and why."""


def _int_setting(environ, name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool_setting(environ, name: str) -> bool:
    return (environ.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def _rate_limit_setting(environ, name: str, default: str) -> str:
    value = (environ.get(name) or "").strip() or default
    try:
        limits.parse_many(value)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a rate limit such as '20 per hour', got {value!r}"
        ) from None
    return value


def _secret_key(environ, instance_path: Path, embedded: bool, relaxed: bool) -> str:
    key = environ.get("SECRET_KEY")
    if key:
        return key
    if not (embedded or relaxed):
        raise ConfigurationError(
            "SECRET_KEY must be set when DATABASE_URL points at an external database "
            "(outside debug and test mode); generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    # The embedded default keeps one generated key, so sessions survive restarts.
    path = instance_path / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def parse_reminder_days(text: str) -> tuple[int, ...]:
    """'3, 1' → (3, 1), largest first; empty → no scheduled reminders. ValueError says what
    is wrong, for the environment's REMINDER_DAYS and HR's Settings page alike."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValueError("must be whole numbers of days separated by commas, e.g. 3, 1")
    days = tuple(sorted({int(part) for part in parts}, reverse=True))
    if any(not 1 <= day <= MAX_REMINDER_DAY for day in days):
        raise ValueError(f"must each be between 1 and {MAX_REMINDER_DAY} days")
    return days


def _reminder_days_setting(environ) -> tuple[int, ...]:
    raw = environ.get("REMINDER_DAYS")
    raw = "3,1" if raw is None else raw
    try:
        return parse_reminder_days(raw)
    except ValueError as error:
        raise ConfigurationError(f"REMINDER_DAYS {error} (or empty), got {raw!r}") from None


def _smtp_url_setting(environ) -> str:
    url = (environ.get("SMTP_URL") or "").strip()
    if url:
        try:
            parse_smtp_url(url)
        except MailConfigError as error:
            raise ConfigurationError(str(error)) from None
    return url


def _ca_file_setting(environ, name: str) -> str:
    path = (environ.get(name) or "").strip()
    if path and not Path(path).is_file():
        raise ConfigurationError(f"{name} names no readable file: {path!r}")
    return path


def _domains_setting(environ, name: str) -> frozenset[str]:
    raw = environ.get(name) or ""
    domains = {part.strip().lower().lstrip("@") for part in raw.split(",") if part.strip()}
    if any("." not in domain or " " in domain for domain in domains):
        raise ConfigurationError(
            f"{name} must be email domains separated by commas, e.g. 'example.org', got {raw!r}"
        )
    return frozenset(domains)


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
DEFAULT_OIDC_PROVIDER_NAME = "your organisation's account"


def _oidc_settings(environ) -> dict:
    """Single sign-on with an OpenID Connect provider; no issuer means it is off."""
    issuer = (environ.get("OIDC_ISSUER") or "").strip().rstrip("/")
    client_id = (environ.get("OIDC_CLIENT_ID") or "").strip()
    client_secret = (environ.get("OIDC_CLIENT_SECRET") or "").strip()
    if issuer:
        parts = urlsplit(issuer)
        # Plain HTTP would let anyone on the way read the codes and forge the provider's
        # answers; it is accepted only for a provider on this machine (development, tests).
        secure = parts.scheme == "https" or (
            parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        )
        if not (secure and parts.hostname):
            raise ConfigurationError(
                f"OIDC_ISSUER must be the provider's https:// address, got {issuer!r}"
            )
        if not (client_id and client_secret):
            raise ConfigurationError(
                "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set when OIDC_ISSUER is"
            )
    name = (environ.get("OIDC_PROVIDER_NAME") or "").strip()
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_PROVIDER_NAME": name or DEFAULT_OIDC_PROVIDER_NAME,
    }


def with_postgres_driver(url: str) -> str:
    """Let postgresql:// URLs use psycopg 3, the driver this project installs."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def load_settings(default_instance_path: str, environ=None, *, testing: bool = False) -> dict:
    """Return the Flask config for this deployment from environment variables."""
    environ = os.environ if environ is None else environ
    instance_path = Path(environ.get("INSTANCE_PATH") or default_instance_path).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = environ.get("DATABASE_URL") or ""
    embedded = not database_url
    if embedded:
        database_url = f"sqlite:///{instance_path / DATABASE_FILE}"
    database_url = with_postgres_driver(database_url)
    relaxed = testing or environ.get("FLASK_DEBUG", "").lower() in {"1", "true"}
    base_url = (environ.get("BASE_URL") or "").rstrip("/")
    return {
        "INSTANCE_PATH": str(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": _secret_key(environ, instance_path, embedded, relaxed),
        "BASE_URL": base_url,
        "DEFAULT_ANONYMITY_THRESHOLD": _int_setting(
            environ,
            "DEFAULT_ANONYMITY_THRESHOLD",
            DEFAULT_THRESHOLD,
            THRESHOLD_RANGE.start,
            THRESHOLD_RANGE.stop - 1,
        ),
        # Whether the person a round is about may read their own report (HR always may).
        "SUBJECT_SEES_REPORT": (environ.get("SUBJECT_SEES_REPORT") or "true").strip().lower()
        not in {"0", "false", "no", "off"},
        # Cookies are also marked Secure per request when it came over HTTPS; this covers
        # a TLS-terminating proxy, where the app itself only sees plain HTTP.
        "SESSION_COOKIE_SECURE": _bool_setting(environ, "SESSION_COOKIE_SECURE")
        or base_url.startswith("https://"),
        "SESSION_COOKIE_SAMESITE": "Lax",
        # memory:// counts per gunicorn worker; redis://host:6379 shares one count.
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "FAILED_LINK_LIMIT": _rate_limit_setting(environ, "FAILED_LINK_LIMIT", "20 per hour"),
        # Empty: every email is written to INSTANCE_PATH/outbox instead of being sent.
        "SMTP_URL": _smtp_url_setting(environ),
        # Empty: the mail server's certificate is checked against the system's authorities.
        "SMTP_CA_FILE": _ca_file_setting(environ, "SMTP_CA_FILE"),
        "MAIL_FROM": (environ.get("MAIL_FROM") or "").strip()
        or "feedback360 <feedback360@localhost>",
        # Empty: the job queue is an SQLite file in the instance folder (one machine).
        "REDIS_URL": (environ.get("REDIS_URL") or "").strip(),
        "REMINDER_DAYS": _reminder_days_setting(environ),
        "HOUSEKEEPING_MINUTES": _int_setting(environ, "HOUSEKEEPING_MINUTES", 5, 1, 1440),
        # Run each job inside the call that queues it (tests, debugging): no worker needed.
        "JOBS_IMMEDIATE": _bool_setting(environ, "JOBS_IMMEDIATE"),
        # Survey links go to raters by email only; an organisation that hands them out through
        # its own channels lets HR (never a member) read them in the API's answers.
        "SURVEY_LINKS_IN_API": _bool_setting(environ, "SURVEY_LINKS_IN_API"),
        # Larger requests are refused with 413 before they are read (the largest form is a
        # CSV import of at most 1 MB).
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Signed-in pages: a session ends after this many minutes without a request.
        "HR_IDLE_MINUTES": _int_setting(environ, "HR_IDLE_MINUTES", 30, 5, 1440),
        "MEMBER_IDLE_MINUTES": _int_setting(environ, "MEMBER_IDLE_MINUTES", 120, 5, 10080),
        # Empty: people join only by HR's invitation.
        "ALLOWED_SIGNUP_DOMAINS": _domains_setting(environ, "ALLOWED_SIGNUP_DOMAINS"),
        # Sign-in and sign-up attempts per client address, and per email address.
        "SIGN_IN_LIMIT": _rate_limit_setting(environ, "SIGN_IN_LIMIT", "30 per hour"),
        "SIGN_IN_EMAIL_LIMIT": _rate_limit_setting(environ, "SIGN_IN_EMAIL_LIMIT", "5 per hour"),
        # Empty OIDC_ISSUER: no single sign-on, only links and HR passwords.
        **_oidc_settings(environ),
    }

"""Delivering email: SMTP from SMTP_URL, or an outbox folder of .eml files by default."""

from __future__ import annotations

import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMTP_SCHEMES = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}
TIMEOUT_SECONDS = 20


class MailConfigError(ValueError):
    """SMTP_URL cannot be used; the message says why."""


class DeliveryError(Exception):
    """The message was not delivered. `permanent` when retrying cannot help (a bounce)."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # plain, starttls or tls
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://user:password@host:port, smtp+starttls://… or smtps://…"""
    parts = urlsplit(url)
    security = SMTP_SCHEMES.get(parts.scheme)
    if security is None:
        raise MailConfigError(
            f"SMTP_URL must start with {', '.join(s + '://' for s in SMTP_SCHEMES)}; got {url!r}"
        )
    if not parts.hostname:
        raise MailConfigError("SMTP_URL names no host")
    try:
        port = parts.port or DEFAULT_PORTS[security]
    except ValueError:
        raise MailConfigError("SMTP_URL has an invalid port") from None
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpTransport:
    def __init__(self, target: SmtpTarget):
        self.target = target

    def send(self, message: EmailMessage) -> None:
        target = self.target
        try:
            if target.security == "tls":
                client = smtplib.SMTP_SSL(
                    target.host,
                    target.port,
                    timeout=TIMEOUT_SECONDS,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
            with client:
                if target.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if target.username:
                    client.login(target.username, target.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            # The server refused the address itself: sending again cannot help.
            raise DeliveryError(f"recipient refused: {error.recipients}", permanent=True) from None
        except smtplib.SMTPResponseException as error:
            # 5xx is a permanent refusal, 4xx a temporary one.
            raise DeliveryError(
                f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=error.smtp_code >= 500
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"mail server unreachable: {error}", permanent=False) from None


class OutboxTransport:
    """Writes each message as an .eml file, so the service works with no mail server."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        # Nanosecond prefix: files sort in the order they were written.
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(bytes(message))
        except OSError as error:
            # A full disk or a folder it may not write to: a later attempt may succeed.
            raise DeliveryError(f"outbox not writable: {error}", permanent=False) from None


def read_eml(path: Path) -> dict:
    """An outbox file as the HR page and API show it: headers and the plain-text body."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text = message.get_body(preferencelist=("plain",))
    return {
        "id": path.stem,
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "date": parsedate_to_datetime(message["Date"]),
        "text": text.get_content() if text is not None else "",
    }

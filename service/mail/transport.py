"""Delivering email: SMTP from SMTP_URL, or an outbox folder of .eml files by default."""

from __future__ import annotations

import smtplib
import ssl
import time
import uuid
from collections.abc import Callable
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
    """The message was not delivered. `permanent` when retrying cannot help; `bounce` when
    the server refused the message or its recipient (not, say, our login)."""

    def __init__(self, message: str, *, permanent: bool, bounce: bool | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.bounce = permanent if bounce is None else bounce


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


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verifies the server's certificate and host name: against the system's certificate
    authorities, or only the one in ca_file (SMTP_CA_FILE, for a private mail server)."""
    return ssl.create_default_context(cafile=ca_file or None)


def connect(target: SmtpTarget, *, timeout: float, ca_file: str | None = None) -> smtplib.SMTP:
    """An open connection to the server, in TLS from the start (smtps://) or after STARTTLS
    (smtp+starttls://), not yet logged in."""
    if target.security == "tls":
        return smtplib.SMTP_SSL(
            target.host, target.port, timeout=timeout, context=tls_context(ca_file)
        )
    client = smtplib.SMTP(target.host, target.port, timeout=timeout)
    if target.security == "starttls":
        try:
            client.starttls(context=tls_context(ca_file))
        except BaseException:
            client.close()
            raise
    return client


def _quit_quietly(client: smtplib.SMTP) -> None:
    """Say goodbye; the message was accepted already, so an error here changes nothing."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _delivery_error(error: Exception, target: SmtpTarget) -> DeliveryError:
    """What went wrong before the server accepted the message, in words for HR's pages."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # The server refused the address itself: sending again cannot help.
        return DeliveryError(f"recipient refused: {error.recipients}", permanent=True)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Trying the same password again cannot help, and a server may lock the account.
        return DeliveryError(
            f"the mail server refused the login of {target.username!r} "
            f"(SMTP {error.smtp_code}): check the user and password in SMTP_URL",
            permanent=True,
            bounce=False,
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryError(
            f"the mail server does not support what SMTP_URL asks of it: {error}",
            permanent=True,
            bounce=False,
        )
    if isinstance(error, smtplib.SMTPResponseException):
        # 5xx is a permanent refusal, 4xx a temporary one.
        return DeliveryError(
            f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=error.smtp_code >= 500
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryError(
            f"the mail server's certificate is not trusted ({error.verify_message}): "
            "give its certificate authority in SMTP_CA_FILE",
            permanent=False,
        )
    return DeliveryError(f"mail server unreachable: {error}", permanent=False)


class SmtpTransport:
    def __init__(self, target: SmtpTarget, ca_file: str | None = None):
        self.target = target
        self.ca_file = ca_file

    def send(self, message: EmailMessage, accepted: Callable[[], None] = lambda: None) -> None:
        """Deliver the message; `accepted` runs as soon as the server has taken it (its 250
        to DATA), before the goodbye, so the caller can record it with the smallest gap."""
        target = self.target
        try:
            client = connect(target, timeout=TIMEOUT_SECONDS, ca_file=self.ca_file)
        except (OSError, smtplib.SMTPException) as error:
            raise _delivery_error(error, target) from None
        try:
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            client.close()  # no goodbye: after a timeout it would only wait again
            raise _delivery_error(error, target) from None
        try:
            accepted()
        finally:
            _quit_quietly(client)


class OutboxTransport:
    """Writes each message as an .eml file, so the service works with no mail server."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage, accepted: Callable[[], None] = lambda: None) -> None:
        # Nanosecond prefix: files sort in the order they were written.
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(bytes(message))
        except OSError as error:
            # A full disk or a folder it may not write to: a later attempt may succeed.
            raise DeliveryError(f"outbox not writable: {error}", permanent=False) from None
        accepted()


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

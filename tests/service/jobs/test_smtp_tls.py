"""Email over TLS with a login, as real mail servers want it: STARTTLS and SMTPS against
aiosmtpd with a certificate made here, the certificate always verified, a wrong password
and a temporary refusal."""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from service.config import ConfigurationError, load_settings
from service.extensions import db
from service.models import Job, Rater
from service.services import notifications
from service.services.health import check_smtp
from tests.service.jobs.conftest import SEVEN_RATERS, Mailbox, free_port, launch_round

USER, PASSWORD = "mailer", "s3cret:pass"
ONE_RATER = SEVEN_RATERS[:1]


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, sans=()):
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A private certificate authority and the mail server's certificate it signed (for
    127.0.0.1): (the CA's file, the server's TLS context)."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("feedback360 test CA")
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate(
        _name("mail.test"),
        ca_name,
        server_key.public_key(),
        ca_key,
        ca=False,
        sans=[x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    (folder / "ca.pem").write_bytes(_pem(ca))
    (folder / "server.pem").write_bytes(_pem(server) + _pem(ca))
    (folder / "server.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    return str(folder / "ca.pem"), context


class TlsMailbox(Mailbox):
    """Keeps what it accepts and the user each message came from; refuses the first `busy`
    messages at DATA with a 451 (try again later)."""

    def __init__(self, busy: int = 0):
        super().__init__()
        self.busy = busy
        self.logins: list[str | None] = []

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy -= 1
            return "451 4.3.2 busy, try again later"
        self.logins.append(session.auth_data)
        return await super().handle_DATA(server, session, envelope)


def authenticator(server, session, envelope, mechanism, auth_data):
    """Lets USER in with PASSWORD; the session keeps the name it logged in with."""
    success = (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    login = auth_data.login.decode() if success else None
    return AuthResult(success=success, handled=False, auth_data=login)


class TlsServer:
    """aiosmtpd on a free port that takes nothing in the clear: it requires STARTTLS before
    anything else, or speaks only TLS from the start (then AUTH needs no STARTTLS)."""

    def __init__(self, mailbox: TlsMailbox, context: ssl.SSLContext, implicit: bool):
        self.mailbox, self.port = mailbox, free_port()
        tls = {"ssl_context": context} if implicit else {"tls_context": context}
        self.controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticator,
            auth_require_tls=not implicit,
            require_starttls=not implicit,
            **tls,
        )
        self.controller.start()


@pytest.fixture
def tls_server(app, monkeypatch, certificates):
    """start(scheme, password=…, busy=…, trust=True) runs a server, points the app at it and
    returns it:
    smtp+starttls or smtps, SMTP_CA_FILE naming the test CA unless trust is False."""
    ca_file, context = certificates
    started = []

    def start(scheme: str, *, password: str = PASSWORD, busy: int = 0, trust: bool = True):
        server = TlsServer(TlsMailbox(busy), context, implicit=scheme == "smtps")
        started.append(server)
        secret = password.replace(":", "%3A")
        url = f"{scheme}://{USER}:{secret}@127.0.0.1:{server.port}"
        monkeypatch.setitem(app.config, "SMTP_URL", url)
        monkeypatch.setitem(app.config, "SMTP_CA_FILE", ca_file if trust else "")
        return server

    yield start
    for server in started:
        server.controller.stop()


def _job(app, email: str) -> Job:
    with app.app_context():
        return db.session.scalars(select(Job).join(Rater).where(Rater.email == email)).one()


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_emails_go_over_tls_with_the_login_of_smtp_url(app, api, people, tls_server, scheme):
    hr, _ = people
    server = tls_server(scheme)
    mailbox = server.mailbox
    launch_round(api, hr, server, raters=ONE_RATER)
    assert mailbox.recipients() == ["maya@example.org", "rater0@example.org"]
    # Each after logging in (the password's ":" given as %3A in the URL).
    assert mailbox.logins == [USER, USER]
    job = _job(app, "rater0@example.org")
    assert (job.status, job.attempts, job.last_error) == ("sent", 1, None)


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_a_certificate_from_an_unknown_authority_is_refused(app, api, people, tls_server, scheme):
    hr, _ = people
    server = tls_server(scheme, trust=False)  # the system's authorities only
    mailbox = server.mailbox
    launch_round(api, hr, server, raters=ONE_RATER)
    assert mailbox.messages == []
    job = _job(app, "rater0@example.org")
    # A temporary failure: the operator may fix SMTP_CA_FILE while the queue retries.
    assert job.status == "retrying"
    assert "certificate is not trusted" in job.last_error and "SMTP_CA_FILE" in job.last_error


def test_a_wrong_password_fails_the_job_at_once_with_a_clear_error(app, api, people, tls_server):
    hr, _ = people
    server = tls_server("smtp+starttls", password="wrong")
    mailbox = server.mailbox
    launch_round(api, hr, server, raters=ONE_RATER)
    assert mailbox.messages == []
    job = _job(app, "rater0@example.org")
    # Not retried (a server may lock the account), and not a bounce: the address is fine.
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error.startswith(f"the mail server refused the login of '{USER}' (SMTP 535)")
    assert "check the user and password in SMTP_URL" in job.last_error
    with app.app_context():
        rater = db.session.scalars(select(Rater).where(Rater.email == "rater0@example.org")).one()
        assert (rater.delivery_status, rater.delivery_error) == ("failed", job.last_error)
        notifications.run_job(job.id, last_attempt=False)  # a copy of its task: nothing
    assert _job(app, "rater0@example.org").attempts == 1


def test_a_temporary_refusal_is_retried_and_then_sent_once(app, api, people, tls_server):
    hr, _ = people
    # The first two messages (Maya's and the rater's invitations) get "451 try again later".
    server = tls_server("smtp+starttls", busy=2)
    mailbox = server.mailbox
    launch_round(api, hr, server, raters=ONE_RATER)
    job = _job(app, "rater0@example.org")
    assert (job.status, job.attempts) == ("retrying", 1)
    assert job.last_error.startswith("SMTP 451")
    with app.app_context():
        notifications.run_job(job.id, last_attempt=False)
    assert mailbox.to("rater0@example.org") != []
    job = _job(app, "rater0@example.org")
    assert (job.status, job.attempts, job.last_error) == ("sent", 2, None)
    assert len(mailbox.to("rater0@example.org")) == 1


def test_smtp_ca_file_must_name_a_file(tmp_path):
    with pytest.raises(ConfigurationError, match="SMTP_CA_FILE names no readable file"):
        load_settings(str(tmp_path), {"SMTP_CA_FILE": str(tmp_path / "missing.pem")})
    settings = load_settings(str(tmp_path), {"SMTP_CA_FILE": ""})
    assert settings["SMTP_CA_FILE"] == ""


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_readiness_reaches_a_private_mail_server_as_deliveries_do(app, tls_server, scheme):
    """/readyz connects as a delivery does: trusted through SMTP_CA_FILE, refused without."""
    tls_server(scheme)
    with app.app_context():
        assert check_smtp().ok
    tls_server(scheme, trust=False)
    with app.app_context():
        assert not check_smtp().ok

"""The product's emails, each an HTML and a plain-text part rendered from Jinja templates."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app
from flask_babel import get_locale, get_translations
from jinja2 import Environment, PackageLoader, select_autoescape

# HTML parts escape everything they show (names and comments are user input); text parts
# are plain text and need no escaping.
templates = Environment(
    loader=PackageLoader("service.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
# The emails to raters are worded in their language: {% trans %} blocks, translated in the
# language the email is written in (service/services/rater_emails.py writing_to), their
# line breaks and indentation the template's.
templates.policies["ext.i18n.trimmed"] = True
templates.install_gettext_callables(
    gettext=lambda text: get_translations().ugettext(text),
    ngettext=lambda one, many, n: get_translations().ungettext(one, many, n),
    newstyle=True,
)
templates.globals["language"] = lambda: getattr(get_locale(), "language", "en")


def compose_to(template: str, email: str, name: str | None, **context) -> EmailMessage:
    """compose() from the service's own address (MAIL_FROM) to one named recipient."""
    return compose(
        template, sender=current_app.config["MAIL_FROM"], to=email, to_name=name, **context
    )


def compose(
    template: str, *, sender: str, to: str, to_name: str | None = None, **context
) -> EmailMessage:
    """One message from templates/<template>.{txt,html}; the subject is the text's first line."""
    subject, _, text = templates.get_template(f"{template}.txt").render(**context).partition("\n")
    html = templates.get_template(f"{template}.html").render(subject=subject, **context)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to_name, to)) if to_name else to
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    message.set_content(text.lstrip("\n"))
    message.add_alternative(html, subtype="html")
    return message

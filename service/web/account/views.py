"""Routes for signing in (link or HR password), signing up, signing out, and the account."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, gettext

from service.extensions import limiter
from service.http_errors import status_of
from service.models import Person
from service.services.errors import Invalid, Unauthorized
from service.services.languages import LANGUAGE_NAMES
from service.services.oidc import oidc_enabled, provider_name
from service.services.people import normalise_email
from service.services.person_language import person_language, set_my_language
from service.services.settings import current_settings
from service.services.sign_in import (
    BY_LINK,
    BY_PASSWORD,
    check_password,
    email_sign_in_link,
    person_for_sign_in_link,
    set_password,
    sign_up,
    use_sign_in_link,
)
from service.web.account.forms import (
    EmailLinkForm,
    LanguageForm,
    PasswordSignInForm,
    SetPasswordForm,
    SignUpForm,
    UseLinkForm,
)
from service.web.auth import (
    NOTICE,
    login_required,
    safe_next,
    sign_in_browser,
    sign_out_browser,
)
from service.web.token_links import TokenLink

bp = Blueprint("account", __name__)
NEXT_KEY = "next"
# The password form shares the sign-in page with the link form; its fields get a prefix.
PASSWORD_PREFIX = "pw"  # noqa: S105 - a form prefix, not a secret


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def _email_limit() -> str:
    return current_app.config["SIGN_IN_EMAIL_LIMIT"]


def _submitted_email() -> str:
    # One mailbox cannot be flooded with links, whichever addresses the requests come from.
    email = request.form.get("email") or request.form.get(f"{PASSWORD_PREFIX}-email") or ""
    return "email:" + normalise_email(email)[:320]


# One budget per client address across every way in (link, password, sign-up, a guessed
# link), and one per email address so no mailbox can be flooded with links.
SIGN_IN_SCOPE = "sign-in"
SIGN_IN_ATTEMPTS = limiter.shared_limit(_sign_in_limit, SIGN_IN_SCOPE)
SIGN_IN_ATTEMPTS_ON_POST = limiter.shared_limit(_sign_in_limit, SIGN_IN_SCOPE, methods=["POST"])
LINKS_PER_EMAIL = limiter.shared_limit(_email_limit, "sign-in-email", key_func=_submitted_email)
LINKS_PER_EMAIL_ON_POST = limiter.shared_limit(
    _email_limit, "sign-in-email", key_func=_submitted_email, methods=["POST"]
)


def _home_after_sign_in():
    return redirect(safe_next(request.args.get(NEXT_KEY)) or url_for("home"), code=303)


def sign_in_page(link_form=None, password_form=None, status: int = 200, sso_error=None):
    """The sign-in page; `sso_error` says why single sign-on did not sign the visitor in."""
    page = render_template(
        "account/sign_in.html",
        link_form=link_form or EmailLinkForm(),
        password_form=password_form or PasswordSignInForm(formdata=None, prefix=PASSWORD_PREFIX),
        signup_open=bool(current_app.config["ALLOWED_SIGNUP_DOMAINS"]),
        sso_name=provider_name() if oidc_enabled() else None,
        sso_error=sso_error,
        next=safe_next(request.args.get(NEXT_KEY)),
    )
    return page, status


@bp.get("/sign-in")
def sign_in():
    return sign_in_page(EmailLinkForm(formdata=None))


@bp.post("/sign-in")
@SIGN_IN_ATTEMPTS
@LINKS_PER_EMAIL
def send_link():
    form = EmailLinkForm()
    if not form.validate():
        return sign_in_page(link_form=form, status=422)
    email_sign_in_link(form.email.data)
    # The same page whether or not the email belongs to anyone.
    return redirect(url_for(".link_sent"), code=303)


@bp.get("/sign-in/sent")
def link_sent():
    return render_template("account/link_sent.html")


@bp.post("/sign-in/password")
@SIGN_IN_ATTEMPTS
@LINKS_PER_EMAIL
def password_sign_in():
    form = PasswordSignInForm(prefix=PASSWORD_PREFIX)
    if not form.validate():
        return sign_in_page(password_form=form, status=422)
    person = check_password(form.email.data, form.password.data)
    if person is None:
        form.form_errors.append(
            gettext(
                "That email and password do not match an HR account. "
                "You can also ask for a sign-in link by email."
            )
        )
        return sign_in_page(password_form=form, status=401)
    sign_in_browser(person, BY_PASSWORD)
    return _home_after_sign_in()


SIGN_IN_LINK = TokenLink("sign-in", person_for_sign_in_link, "account/link_invalid.html")


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@SIGN_IN_LINK.limit_failures(_sign_in_limit, SIGN_IN_SCOPE)
def use_link(token: str):
    person = SIGN_IN_LINK.owner(token)
    if person is None:
        return SIGN_IN_LINK.invalid()
    form = UseLinkForm()
    if request.method == "GET" or not form.validate():
        # Opening the link shows a button; only the click uses it up. Mail scanners that
        # fetch every link would otherwise spend it before the person arrives.
        return render_template("account/use_link.html", form=form, person=person)
    try:
        person = use_sign_in_link(token)
    except Unauthorized:
        return SIGN_IN_LINK.invalid()
    sign_in_browser(person, BY_LINK)
    return redirect(url_for("home"), code=303)


@bp.route("/sign-up", methods=["GET", "POST"])
@SIGN_IN_ATTEMPTS_ON_POST
@LINKS_PER_EMAIL_ON_POST
def sign_up_page():
    domains = current_app.config["ALLOWED_SIGNUP_DOMAINS"]
    if not domains:
        abort(404)
    form = SignUpForm()
    if request.method == "POST":
        if form.validate():
            sign_up(form.name.data, form.email.data)
            return redirect(url_for(".link_sent"), code=303)
        status = 422
    else:
        status = 200
    return render_template("account/sign_up.html", form=form, domains=sorted(domains)), status


@bp.post("/sign-out")
def sign_out():
    sign_out_browser()
    flash(gettext("You are signed out."), NOTICE)
    return redirect(url_for(".sign_in"), code=303)


def language_form(person: Person, formdata=None) -> LanguageForm:
    """The language select: the organisation's default first (named, as it may change),
    then each language named in itself."""
    form = LanguageForm(formdata=formdata, data={"language": person.language or ""})
    default = LANGUAGE_NAMES[current_settings().default_language]
    form.language.choices = [
        ("", gettext("The organisation's language (%(language)s)", language=default)),
        *LANGUAGE_NAMES.items(),
    ]
    return form


def account_page(person: Person, form=None, languages=None, status: int = 200):
    page = render_template(
        "account/account.html",
        person=person,
        form=form or SetPasswordForm(formdata=None),
        language_form=languages or language_form(person),
    )
    return page, status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account(person: Person):
    if request.method == "GET":
        return account_page(person)
    if not person.is_hr:
        abort(403)
    form = SetPasswordForm()
    if not form.validate():
        return account_page(person, form=form, status=422)
    set_password(person.id, form.password.data)
    flash(gettext("Your password is set. You can now sign in with it."), NOTICE)
    return redirect(url_for(".account"), code=303)


@bp.post("/account/language")
@login_required
def language_action(person: Person):
    form = language_form(person, formdata=request.form)
    if not form.validate():
        return account_page(person, languages=form, status=422)
    try:
        set_my_language(person.id, form.language.data or None)
    except Invalid as error:
        form.language.errors = [gettext("Choose one of the languages listed.")]
        return account_page(person, languages=form, status=status_of(error))
    # The notice is read on the next page, in the language just chosen.
    with force_locale(person_language(person)):
        flash(gettext("Your pages and emails are now in this language."), NOTICE)
    return redirect(url_for(".account"), code=303)

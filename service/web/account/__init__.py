"""Signing in and out: emailed links, HR passwords, single sign-on, self sign-up, the
account page."""

from service.web.account import personal_data, single_sign_on  # noqa: F401 - add routes to bp
from service.web.account.views import bp

__all__ = ["bp"]

"""Signing in and out: emailed links, HR passwords, self sign-up, the account page."""

from service.web.account.views import bp

__all__ = ["bp"]

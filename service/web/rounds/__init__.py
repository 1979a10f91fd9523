"""The individual's pages: start a 360, my rounds, a round's page and its report."""

from service.web.rounds.views import bp

__all__ = ["bp"]

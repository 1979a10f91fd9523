"""A manager's team page and the page where they approve a report's list of raters."""

from service.web.team.views import bp

__all__ = ["bp"]

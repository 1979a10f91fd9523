"""HR's pages: the dashboard of all rounds, people and CSV imports, bulk launches."""

from service.web.hr import erasure  # noqa: F401 - its routes join the blueprint
from service.web.hr.views import bp

__all__ = ["bp"]

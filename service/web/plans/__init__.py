"""The development plan pages: make the plan after a report, check in, a manager's comments."""

from service.web.plans.views import bp

__all__ = ["bp"]

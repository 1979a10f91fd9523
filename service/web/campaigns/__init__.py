"""HR's campaign pages, and the person's "Submit my nominations" button."""

from service.web.campaigns.views import bp

__all__ = ["bp"]

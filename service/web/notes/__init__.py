"""The notes page: private notes about the people in one's network."""

from service.web.notes.views import bp

__all__ = ["bp"]

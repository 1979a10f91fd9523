"""The history page: a person's closed rounds on one timeline, theirs or anyone's for HR."""

from service.web.history.views import bp

__all__ = ["bp"]

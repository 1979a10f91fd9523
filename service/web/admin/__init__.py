"""HR's administration pages: bulk report exports, the audit log, settings, the outbox."""

from service.web.admin.views import bp

__all__ = ["bp"]

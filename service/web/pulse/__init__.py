"""The pages after the report: thank the raters, start and read an impact pulse, and the
rater's pulse page opened from its private link."""

from service.web.pulse.views import bp

__all__ = ["bp"]

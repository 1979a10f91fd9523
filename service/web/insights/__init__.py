"""The team heatmap page for HR, its downloads, and the published results download."""

from service.web.insights.views import bp

__all__ = ["bp"]

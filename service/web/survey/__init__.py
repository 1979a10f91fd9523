"""The rater's survey pages: a private link, the questionnaire, save, submit, decline."""

from service.web.survey.views import bp

__all__ = ["bp"]

"""The campaign tests use the jobs tests' real SMTP server."""

from tests.service.jobs.conftest import smtp  # noqa: F401 - a fixture, shared

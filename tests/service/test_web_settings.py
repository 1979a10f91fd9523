"""Settings of the web pages: cookie security, rate-limit storage and limit."""

from __future__ import annotations

import pytest

from service.config import ConfigurationError, load_settings


def settings(tmp_path, **environ):
    return load_settings(str(tmp_path), {"INSTANCE_PATH": str(tmp_path), **environ})


def test_defaults_suit_one_machine(tmp_path):
    defaults = settings(tmp_path)
    assert defaults["SESSION_COOKIE_SECURE"] is False
    assert defaults["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert defaults["RATELIMIT_STORAGE_URI"] == "memory://"
    assert defaults["FAILED_LINK_LIMIT"] == "20 per hour"


def test_cookies_are_secure_behind_an_https_address_or_when_asked(tmp_path):
    assert settings(tmp_path, BASE_URL="https://feedback.example.com")["SESSION_COOKIE_SECURE"]
    assert settings(tmp_path, SESSION_COOKIE_SECURE="true")["SESSION_COOKIE_SECURE"]


def test_rate_limits_can_be_shared_and_tuned(tmp_path):
    tuned = settings(
        tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379", FAILED_LINK_LIMIT="5/minute"
    )
    assert tuned["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    assert tuned["FAILED_LINK_LIMIT"] == "5/minute"


def test_a_limit_that_cannot_be_read_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigurationError, match="FAILED_LINK_LIMIT must be a rate limit"):
        settings(tmp_path, FAILED_LINK_LIMIT="lots")

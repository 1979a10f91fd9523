"""Settings from the environment."""

from __future__ import annotations

import pytest

from service.config import ConfigurationError, load_settings


def test_embedded_default_keeps_one_generated_secret_key(tmp_path):
    first = load_settings(str(tmp_path / "default"), {"INSTANCE_PATH": str(tmp_path / "inst")})
    second = load_settings(str(tmp_path / "default"), {"INSTANCE_PATH": str(tmp_path / "inst")})
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (
        first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'feedback360.sqlite3'}"
    )
    assert first["INSTANCE_PATH"] == str(tmp_path / "inst")


def test_instance_folder_defaults_to_the_apps(tmp_path):
    settings = load_settings(str(tmp_path / "app-instance"), {})
    assert settings["INSTANCE_PATH"] == str(tmp_path / "app-instance")
    assert (tmp_path / "app-instance" / "secret_key").exists()


def test_external_database_requires_a_secret_key(tmp_path):
    environ = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql://db/feedback"}
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        load_settings(str(tmp_path), environ)
    assert load_settings(str(tmp_path), {**environ, "FLASK_DEBUG": "1"})["SECRET_KEY"]
    assert load_settings(str(tmp_path), environ, testing=True)["SECRET_KEY"]
    settings = load_settings(str(tmp_path), {**environ, "SECRET_KEY": "s3cret"})
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/feedback"


@pytest.mark.parametrize("value", ["1", "11", "three"])
def test_default_anonymity_threshold_is_checked(tmp_path, value):
    with pytest.raises(ConfigurationError, match="DEFAULT_ANONYMITY_THRESHOLD"):
        load_settings(str(tmp_path), {"DEFAULT_ANONYMITY_THRESHOLD": value})


def test_deployment_default_threshold_applies_to_new_rounds(app, api):
    app.config["DEFAULT_ANONYMITY_THRESHOLD"] = 5
    try:
        _, token = api.person("member")
        assert api.create_round(token)["anonymity_threshold"] == 5
    finally:
        app.config["DEFAULT_ANONYMITY_THRESHOLD"] = 3


def test_sign_in_settings(tmp_path):
    defaults = load_settings(str(tmp_path), {})
    assert (defaults["HR_IDLE_MINUTES"], defaults["MEMBER_IDLE_MINUTES"]) == (30, 120)
    assert defaults["ALLOWED_SIGNUP_DOMAINS"] == frozenset()
    tuned = load_settings(
        str(tmp_path),
        {"ALLOWED_SIGNUP_DOMAINS": "Example.org, @corp.example.com", "HR_IDLE_MINUTES": "15"},
    )
    assert tuned["ALLOWED_SIGNUP_DOMAINS"] == {"example.org", "corp.example.com"}
    assert tuned["HR_IDLE_MINUTES"] == 15
    with pytest.raises(ConfigurationError, match="ALLOWED_SIGNUP_DOMAINS"):
        load_settings(str(tmp_path), {"ALLOWED_SIGNUP_DOMAINS": "localhost"})
    with pytest.raises(ConfigurationError, match="SIGN_IN_LIMIT"):
        load_settings(str(tmp_path), {"SIGN_IN_LIMIT": "often"})


def test_oversized_requests_are_refused_before_they_are_read(client):
    response = client.post("/sign-in", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)

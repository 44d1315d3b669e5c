"""The security settings as an operator sets them: environment strings, typed and checked at start."""
import pytest

from assistant.settings import load_settings


def test_environment_values_are_typed(monkeypatch):
    monkeypatch.setenv("PLAN_ASSISTANT_CORS_ORIGINS", "https://plans.example.gov.vn, http://intranet:8080/")
    monkeypatch.setenv("PLAN_ASSISTANT_COOKIE_SECURE", "true")
    monkeypatch.setenv("PLAN_ASSISTANT_TRUSTED_PROXIES", "10.0.0.1")
    monkeypatch.setenv("PLAN_ASSISTANT_SESSION_HOURS", "8")
    settings = load_settings()
    assert settings.cors_origins == ("https://plans.example.gov.vn", "http://intranet:8080")
    assert settings.cookie_secure is True and settings.trusted_proxies == ("10.0.0.1",)
    assert settings.session_hours == 8.0
    assert load_settings(cookie_secure="no").cookie_secure is False and load_settings().cors_origins != ()


def test_fields_checked_together_see_their_final_values():
    settings = load_settings(login_free_failures=20, login_lockout_failures=40, login_address_lockout_failures=60)
    assert settings.login_free_failures == 20


@pytest.mark.parametrize("bad, message", [
    ({"cors_origins": "plans.example.gov.vn"}, "cors_origins"), ({"cors_origins": "https://a.example/app"}, "origin"),
    ({"cookie_secure": "maybe"}, "yes/no"), ({"login_free_failures": 10}, "below both lockout counts"),
    ({"session_hours": 0}, "session_hours"), ({"login_lockout_failures": 0}, "at least 1")])
def test_a_bad_value_stops_the_start_naming_it(bad, message):
    with pytest.raises(ValueError, match=message):
        load_settings(**bad)

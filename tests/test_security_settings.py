"""Production hardening: deploy checks, HTTPS behind a proxy, CSP, login throttling, sessions
in the database and upload limits."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def prod_env(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kundkort.example.com",
        # Production needs shared API throttle counters; naming Redis connects to nothing yet.
        "KUNDKORT_API_THROTTLE_CACHE_URL": "redis://127.0.0.1:6379/6",
        **extra,
    }
    for name in [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process
    ]:
        env.pop(name, None)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=prod_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    result = run_manage("check", env=prod_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "DATA_UPLOAD_MAX_MEMORY_SIZE": s.DATA_UPLOAD_MAX_MEMORY_SIZE,
    "FILE_UPLOAD_MAX_MEMORY_SIZE": s.FILE_UPLOAD_MAX_MEMORY_SIZE,
    # django-axes, installed under its Swedish admin name (core/login_throttling.py)
    "axes_app": "core.login_throttling.LoginThrottlingConfig" in s.INSTALLED_APPS,
    "axes_middleware": "axes.middleware.AxesMiddleware" in s.MIDDLEWARE,
    "axes_enabled": getattr(s, "AXES_ENABLED", True),
    "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "axes_ip": s.AXES_CLIENT_IP_CALLABLE,
    "trusted_proxies": s.KUNDKORT_TRUSTED_PROXIES,
}))
"""


@pytest.fixture(scope="module")
def prod_settings():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=BASE_DIR,
        env=prod_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only(prod_settings):
    assert prod_settings["SESSION_COOKIE_SECURE"] is True
    assert prod_settings["CSRF_COOKIE_SECURE"] is True
    assert prod_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert prod_settings["DEBUG"] is False


def test_production_redirects_to_https_and_trusts_the_proxy_header(prod_settings):
    assert prod_settings["SECURE_SSL_REDIRECT"] is True
    assert prod_settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod_settings["SECURE_HSTS_SECONDS"] >= 31536000


def test_production_keeps_sessions_in_the_database(prod_settings):
    assert prod_settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_production_limits_upload_sizes(prod_settings):
    assert 0 < prod_settings["DATA_UPLOAD_MAX_MEMORY_SIZE"] <= 50 * 1024 * 1024
    assert 0 < prod_settings["FILE_UPLOAD_MAX_MEMORY_SIZE"] <= 50 * 1024 * 1024


def test_production_throttles_logins_with_axes(prod_settings):
    from django.apps import apps

    assert apps.is_installed("axes")
    assert prod_settings["axes_app"] and prod_settings["axes_middleware"]
    assert prod_settings["axes_enabled"] is True


def test_production_csp_allows_no_inline_script_or_style(prod_settings):
    for directive in ["script-src", "style-src", "default-src"]:
        sources = prod_settings["csp"][directive]
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
    assert prod_settings["csp"]["object-src"] == ["'none'"]
    assert prod_settings["csp"]["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_responses_carry_the_content_security_policy(client):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_logged_in_pages_carry_the_content_security_policy(reader_client):
    response = reader_client.get(reverse("customers:customer_list"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_unless_the_proxy_says_https():
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        SECURE_HSTS_SECONDS=31536000,
    ):
        client = Client()
        plain = client.get(reverse("login"))
        proxied = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_login_is_locked_after_too_many_failed_attempts():
    user = UserFactory(username="guessme")
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        client = Client()
        for _attempt in range(3):
            client.post(reverse("login"), {"username": "guessme", "password": "wrong"})
        # Now even the right password is refused with the lockout page.
        response = client.post(
            reverse("login"), {"username": user.username, "password": "secret-pass-123"}
        )
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_under_the_failure_limit_still_works():
    UserFactory(username="careful")
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        client = Client()
        client.post(reverse("login"), {"username": "careful", "password": "wrong"})
        response = client.post(
            reverse("login"), {"username": "careful", "password": "secret-pass-123"}
        )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sessions_are_stored_in_the_database(client):
    UserFactory(username="sessionuser")
    client.post(reverse("login"), {"username": "sessionuser", "password": "secret-pass-123"})
    assert Session.objects.filter(session_key=client.session.session_key).exists()


@pytest.mark.django_db
def test_request_body_over_the_upload_limit_is_refused(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = client.post(
            reverse("login"), {"username": "x", "password": "y", "filler": "z" * 5000}
        )
    assert response.status_code == 400


def test_upload_limits_are_configured():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert settings.KUNDKORT_IMPORT_MAX_FILE_SIZE


def test_production_counts_login_failures_per_client_behind_the_proxy(prod_settings):
    assert prod_settings["axes_ip"] == "core.client_ip.client_ip"
    assert prod_settings["trusted_proxies"] == 1


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 1, "10.0.0.1"),  # no proxy header: the peer
        ("203.0.113.7", 1, "203.0.113.7"),  # the proxy appended the client
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # a forged entry on the left is ignored
        ("203.0.113.7, 10.1.1.1", 2, "203.0.113.7"),  # two proxies
        ("203.0.113.7", 0, "10.0.0.1"),  # no trusted proxy: the header is ignored
    ],
)
def test_client_ip_behind_trusted_proxies(rf, forwarded, proxies, expected):
    from core.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(KUNDKORT_TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


@pytest.mark.django_db
def test_lockout_of_one_client_behind_the_proxy_does_not_lock_out_another():
    user = UserFactory(username="shared")
    with override_settings(
        AXES_ENABLED=True,
        AXES_FAILURE_LIMIT=2,
        AXES_CLIENT_IP_CALLABLE="core.client_ip.client_ip",
        KUNDKORT_TRUSTED_PROXIES=1,
    ):
        attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.9")
        for _attempt in range(2):
            attacker.post(reverse("login"), {"username": "shared", "password": "wrong"})
        locked = attacker.post(
            reverse("login"), {"username": "shared", "password": "secret-pass-123"}
        )
        owner = Client(HTTP_X_FORWARDED_FOR="203.0.113.7")
        allowed = owner.post(
            reverse("login"), {"username": user.username, "password": "secret-pass-123"}
        )
    assert locked.status_code == 429
    assert allowed.status_code == 302

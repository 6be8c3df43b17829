"""Served mode refuses settings that would make it unsafe. Each test starts `htrae.settings`
in a subprocess with the environment set, and reads its one message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = "served-settings-test-key-4Hq8Zt2Wm6Rk0Yc9Lx3Pv7Nb1Jd5Gs"
SETUP = "import django; django.setup()"


def run_settings(code: str = SETUP, **env_overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOW_DEBUG_IN_SERVED_MODE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="htrae.settings", DATABASE_URL="sqlite:////tmp/htrae-settings-test.sqlite3")
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_served_mode_refuses_a_missing_secret_key():
    result = run_settings()

    assert result.returncode != 0
    assert "SECRET_KEY must be set in served mode" in result.stderr


def test_served_mode_refuses_the_development_key_even_with_debug_allowed():
    from htrae.settings import _DEV_SECRET_KEY

    result = run_settings(SECRET_KEY=_DEV_SECRET_KEY, DEBUG="true", ALLOW_DEBUG_IN_SERVED_MODE="true")

    assert result.returncode != 0
    assert "built-in development key" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "test-only-secret-key",  # short
        "ab" * 40,  # long, but two different characters
        "django-insecure-" + "x1y2z3w4v5" * 5,  # Django's own insecure prefix
    ],
)
def test_served_mode_refuses_a_weak_secret_key(key):
    result = run_settings(SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_served_mode_refuses_debug_unless_explicitly_allowed():
    refused = run_settings(SECRET_KEY=STRONG_KEY, DEBUG="true")
    allowed = run_settings(
        SETUP + "; from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=STRONG_KEY,
        DEBUG="true",
        ALLOW_DEBUG_IN_SERVED_MODE="true",
    )

    assert refused.returncode != 0
    assert "DEBUG is on in served mode" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "True"


def test_served_mode_with_a_strong_key_passes_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}},
            "DJANGO_SETTINGS_MODULE": "htrae.settings",
            "DATABASE_URL": "sqlite:////tmp/htrae-settings-test.sqlite3",
            "SECRET_KEY": STRONG_KEY,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_silences_only_what_a_tls_proxy_does():
    result = run_settings(
        SETUP + "; from django.conf import settings as s; print(sorted(s.SILENCED_SYSTEM_CHECKS))",
        SECRET_KEY=STRONG_KEY,
    )
    on_here = run_settings(
        SETUP + "; from django.conf import settings as s; print(sorted(s.SILENCED_SYSTEM_CHECKS))",
        SECRET_KEY=STRONG_KEY,
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
    )

    assert result.stdout.strip() == "['security.W004', 'security.W008']"
    assert on_here.stdout.strip() == "[]"


@pytest.mark.parametrize(("secure_cookies", "expected"), [(None, "True True"), ("false", "False False")])
def test_served_mode_cookies_are_secure_unless_turned_off_for_local_http(secure_cookies, expected):
    """The README's point: a browser or script logging in to a served admin over plain http
    never sends the Secure session and CSRF cookies back, so the login fails; locally,
    SECURE_COOKIES=false turns them off."""
    env = {"SECRET_KEY": STRONG_KEY} | ({"SECURE_COOKIES": secure_cookies} if secure_cookies else {})
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    result = run_settings(SETUP + "; " + code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected

"""Project-wide behaviour: the OpenAPI schema and docs, the landing page, settings safety,
and the server that `make run` starts."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_openapi_schema_lists_every_public_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert {"/api/auth/register", "/api/auth/token", "/api/auth/me"} <= set(schema["paths"])
    register = schema["paths"]["/api/auth/register"]["post"]
    assert "201" in register["responses"]


def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_landing_page_shows_the_world(client, seeded_world):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'Tick <strong id="tick">0</strong>' in page
    assert "/admin/" in page


def run_python(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python("import django; django.setup()", DJANGO_SETTINGS_MODULE="htrae.settings", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_defaults_need_no_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], s.DEBUG)",
        DJANGO_SETTINGS_MODULE="htrae.settings",
        REDIS_URL="",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "channels.layers.InMemoryChannelLayer", "True"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_command_answers_http(tmp_path):
    """What `make run` ends with: a daphne server answering the API on $PORT."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    # A database of its own makes this served mode, which refuses DEBUG (and needs the suite's long key).
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        PORT=str(port),
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="htrae.settings",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema/?format=json", timeout=2) as response:
                    body = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server never answered"
        assert "/api/auth/register" in body["paths"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_setting_from_the_environment_is_documented():
    import re

    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (ROOT / "htrae" / "settings.py").read_text()))
    documented = set(re.findall(r"^# ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert read, "settings read nothing from the environment?"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


def test_create_designer_makes_a_staff_account_that_can_open_the_admin(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("create_designer", "ines", "--password", "glass-and-lanterns", stdout=StringIO())

    user = get_user_model().objects.get(username="ines")
    assert user.is_staff and not user.is_superuser
    assert client.login(username="ines", password="glass-and-lanterns")
    assert client.get("/admin/world/character/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_create_designer_refuses_a_weak_password():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="too short"):
        call_command("create_designer", "ines", "--password", "abc")


def test_openapi_schema_is_valid_and_warning_free(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")

"""The live viewer's static files (world/static/world/) in both modes: embedded mode serves
them from the app folder without collectstatic (`make run` never collects); served mode
collects them for WhiteNoise (`make up`). The browser tests load them through a real server."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

from tests.test_settings_safety import STRONG_KEY

VIEWER_FILES = ["world/client.js", "world/render.js", "world/viewer.js", "world/viewer.css"]


def whitenoise_uses_finders(**env_overrides) -> bool:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="htrae.settings", SECRET_KEY=STRONG_KEY, DEBUG="false", **env_overrides)
    code = "from django.conf import settings; print(settings.WHITENOISE_USE_FINDERS)"
    done = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def test_embedded_mode_serves_the_viewer_from_the_app_folder_even_without_debug():
    assert whitenoise_uses_finders(DATABASE_URL="sqlite:////tmp/htrae-static-test.sqlite3")


def test_served_mode_serves_what_collectstatic_collected():
    assert not whitenoise_uses_finders(
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none", REDIS_URL="redis://127.0.0.1:1/0"
    )


def test_collectstatic_collects_the_viewer(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", "-v0")
    for name in VIEWER_FILES:
        assert (tmp_path / name).is_file(), name
    # The page and the module import each other by these names.
    assert 'from "./client.js"' in (tmp_path / "world/viewer.js").read_text()


def test_the_landing_page_loads_the_viewer(client, db):
    page = client.get("/").content.decode()
    assert '<script type="module" src="/static/world/viewer.js">' in page
    assert 'href="/static/world/viewer.css"' in page
    assert 'id="login-form"' in page

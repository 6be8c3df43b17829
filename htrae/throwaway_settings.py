"""Settings for a throwaway copy of the world (`manage.py world_report` runs one in a child
process): `htrae.settings`, then everything that reaches outside the process replaced, so
the copy never touches the configured world: a fresh SQLite file (HTRAE_THROWAWAY_DATABASE),
a local cache, the in-memory channel layer, Celery in memory."""

import os

from htrae.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["HTRAE_THROWAWAY_DATABASE"],
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
REDIS_URL = ""

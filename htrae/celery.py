"""The Celery application: workers and Beat read their settings from Django's (CELERY_*)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")

app = Celery("htrae")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def project_logging(**kwargs) -> None:
    """Workers and Beat log as the web processes do (`settings.LOGGING`: one JSON object a line
    in served mode). Celery leaves logging alone when this signal has a receiver; without one
    it put its own plain-text handler on the root logger."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@signals.celeryd_init.connect
@signals.beat_init.connect
def persistent_connection_instead_of_pool(**kwargs) -> None:
    """Celery's processes keep one persistent connection (CONN_MAX_AGE), not the web process's
    pool: a prefork child runs one task at a time, so one connection is all it uses, and
    Celery's Django fixup closes a prefork child's whole pool before and after every task (a
    pool there would reconnect for each task). Runs in the worker's main process before it
    forks its children, and before anything connects."""
    from django.conf import settings

    if getattr(settings, "DATABASE_POOL", False):
        database = settings.DATABASES["default"]
        database["OPTIONS"].pop("pool", None)
        database["CONN_MAX_AGE"] = settings.DATABASE_CONN_MAX_AGE

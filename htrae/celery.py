"""The Celery application: workers and Beat read their settings from Django's (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")

app = Celery("htrae")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The Htrae project package: settings, URLs, ASGI/WSGI entry points, the Celery app, and
project-wide pieces (the JSON error shape, the timestamped base model)."""

from .celery import app as celery_app

__all__ = ["celery_app"]

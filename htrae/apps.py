from django.apps import AppConfig


class HtraeConfig(AppConfig):
    """The project package as an app, for project-wide migrations (the Designers group)."""

    name = "htrae"
    verbose_name = "Htrae"

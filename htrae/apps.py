from django.apps import AppConfig


class HtraeConfig(AppConfig):
    """The project package as an app, for project-wide migrations (the Designers group)."""

    name = "htrae"
    verbose_name = "Htrae"

    def ready(self) -> None:
        from htrae import lookups  # noqa: F401  (registers `field__any`)

from django.apps import AppConfig


class NarrativeConfig(AppConfig):
    name = "narrative"

    def ready(self) -> None:
        from narrative import subscribers  # noqa: F401  (registers the event subscriptions)

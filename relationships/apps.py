from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"

    def ready(self) -> None:
        from relationships import subscribers  # noqa: F401  (register subscriptions, tick phase, sources)

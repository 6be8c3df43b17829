"""The Memory Cortex: what characters remember, recall, consolidate and reflect on."""

from django.apps import AppConfig


class MemoryConfig(AppConfig):
    name = "memory"

    def ready(self) -> None:
        from memory import subscribers  # noqa: F401  (register subscriptions, tick phase)

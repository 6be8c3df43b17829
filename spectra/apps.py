from django.apps import AppConfig


class SpectraConfig(AppConfig):
    name = "spectra"

    def ready(self) -> None:
        from spectra import dialogue_subscribers, subscribers  # noqa: F401  (register subscriptions, tick phase)

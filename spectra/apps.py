from django.apps import AppConfig


class SpectraConfig(AppConfig):
    name = "spectra"

    def ready(self) -> None:
        from spectra import dialogue_subscribers, subscribers  # noqa: F401  (register subscriptions, tick phase)
        from spectra.life_goals import spectra_goal_intentions
        from world.autonomy.intentions import register_intention_source

        register_intention_source(spectra_goal_intentions)

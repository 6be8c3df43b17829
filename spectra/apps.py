from django.apps import AppConfig


class SpectraConfig(AppConfig):
    name = "spectra"

    def ready(self) -> None:
        from spectra import dialogue_subscribers, subscribers  # noqa: F401  (register subscriptions, tick phase)
        from spectra.reporting import spectra_goals_final, spectra_goals_sample
        from world.reporting.sampling import register_final_sampler, register_tick_sampler

        register_tick_sampler(spectra_goals_sample)
        register_final_sampler(spectra_goals_final)

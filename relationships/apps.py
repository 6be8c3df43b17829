from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"

    def ready(self) -> None:
        from relationships import subscribers  # noqa: F401  (register subscriptions, tick phase, sources)
        from relationships.reporting import acquaintance_sample
        from world.reporting.sampling import register_tick_sampler

        register_tick_sampler(acquaintance_sample)

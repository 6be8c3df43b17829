"""The Memory Cortex: what characters remember, recall, consolidate and reflect on."""

from django.apps import AppConfig


class MemoryConfig(AppConfig):
    name = "memory"

    def ready(self) -> None:
        from memory import subscribers  # noqa: F401  (register subscriptions, tick phase)
        from memory.intentions import belief_intentions, remembered_place_intentions
        from world.autonomy.intentions import register_intention_source

        register_intention_source(remembered_place_intentions)
        register_intention_source(belief_intentions)

        from memory.reporting import memories_final_sample
        from world.reporting.sampling import register_final_sampler

        register_final_sampler(memories_final_sample)

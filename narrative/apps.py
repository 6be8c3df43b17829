from django.apps import AppConfig


class NarrativeConfig(AppConfig):
    name = "narrative"

    def ready(self) -> None:
        from narrative import lore_subscribers, quest_subscribers, subscribers  # noqa: F401  (event subscriptions)
        from world.tick import register_tick_phase

        register_tick_phase(quest_subscribers.quests_tick)

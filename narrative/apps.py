from importlib import import_module

from django.apps import AppConfig

# Subscribers run in the order they were registered, so this order is part of replay.
SUBSCRIBER_MODULES = (
    "narrative.lore.subscribers",
    "narrative.quests.subscribers",
    "narrative.conversations.subscribers",
)


class NarrativeConfig(AppConfig):
    name = "narrative"

    def ready(self) -> None:
        for module in SUBSCRIBER_MODULES:
            import_module(module)

        from narrative.factions.notifications import faction_notifications_register
        from narrative.factions.selectors import relation_standings
        from narrative.factions.subscribers import factions_tick
        from narrative.quests.intentions import quest_intentions
        from narrative.quests.notifications import quest_notifications_register
        from narrative.quests.player_actions import player_abandon_quest, player_accept_quest
        from narrative.quests.subscribers import quests_tick
        from narrative.reporting import emergent_quests_final, factions_tick_sample
        from world.autonomy.intentions import register_intention_source
        from world.autonomy.perception import register_faction_standings
        from world.reporting.sampling import register_final_sampler, register_tick_sampler
        from world.services import register_player_action
        from world.tick import PHASE_STORIES, register_tick_phase

        register_tick_phase(quests_tick, stage=PHASE_STORIES, name="quests")
        register_tick_phase(factions_tick, stage=PHASE_STORIES, name="factions")
        faction_notifications_register()
        quest_notifications_register()
        register_player_action("accept_quest", player_accept_quest)
        register_player_action("abandon_quest", player_abandon_quest)
        register_intention_source(quest_intentions)
        register_tick_sampler(factions_tick_sample)  # issue 12's figures (world.reporting.stakes)
        register_final_sampler(emergent_quests_final)
        register_faction_standings(relation_standings)  # who counts as a rival (world.autonomy.reactions)

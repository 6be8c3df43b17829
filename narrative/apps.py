from django.apps import AppConfig


class NarrativeConfig(AppConfig):
    name = "narrative"

    def ready(self) -> None:
        from narrative import lore_subscribers, quest_subscribers, subscribers  # noqa: F401  (event subscriptions)
        from narrative.faction_subscribers import factions_tick
        from narrative.intentions import quest_intentions
        from narrative.notifications import notifications_register
        from narrative.player_actions import player_abandon_quest, player_accept_quest
        from narrative.selectors import relation_standings
        from world.autonomy.intentions import register_intention_source
        from world.autonomy.perception import register_faction_standings
        from world.services import register_player_action
        from world.tick import PHASE_STORIES, register_tick_phase

        register_tick_phase(quest_subscribers.quests_tick, stage=PHASE_STORIES)
        register_tick_phase(factions_tick, stage=PHASE_STORIES)
        notifications_register()
        register_player_action("accept_quest", player_accept_quest)
        register_player_action("abandon_quest", player_abandon_quest)
        register_intention_source(quest_intentions)
        register_faction_standings(relation_standings)  # who counts as a rival (world.autonomy.reactions)

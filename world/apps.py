from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "world"

    def ready(self) -> None:
        # The world's own minds: goals and day plans move in a tick phase, and the plans
        # and goals pull characters through an intention source (world.minds).
        from world import minds
        from world.autonomy.intentions import register_intention_source
        from world.tick import PHASE_MINDS, register_tick_phase

        register_tick_phase(minds.minds_tick, stage=PHASE_MINDS, name="minds")
        register_intention_source(minds.plan_intention_source)

        from world.player_actions import PLAYER_OBJECT_ACTIONS
        from world.services import register_player_action

        for name, handler in PLAYER_OBJECT_ACTIONS.items():
            register_player_action(name, handler)

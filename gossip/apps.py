"""Gossip: who knows what, and how it travels from talk to talk."""

from django.apps import AppConfig


class GossipConfig(AppConfig):
    name = "gossip"

    def ready(self) -> None:
        from gossip.intentions import gathering_intentions
        from gossip.reporting import conversation_final_sample, plant_report_fact, planted_fact_sample
        from gossip.selectors import known_facts
        from gossip.subscribers import learn_from_tick
        from world.autonomy.intentions import register_intention_source
        from world.autonomy.knowledge import register_fact_source
        from world.reporting.liveliness import register_section
        from world.reporting.sampling import register_final_sampler, register_run_probe, register_tick_sampler
        from world.tick import PHASE_MEMORY, register_tick_phase

        register_fact_source(known_facts)
        register_intention_source(gathering_intentions)
        register_tick_phase(learn_from_tick, stage=PHASE_MEMORY, name="gossip")
        register_tick_sampler(planted_fact_sample)
        register_final_sampler(conversation_final_sample)
        register_run_probe(plant_report_fact)

        from gossip.reporting import conversations_section

        register_section(conversations_section)

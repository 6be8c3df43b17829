from django.apps import AppConfig


class SpectraConfig(AppConfig):
    name = "spectra"

    def ready(self) -> None:
        from spectra import dialogue_subscribers, expression, reply_grammar, subscribers, thoughts  # noqa: F401  (register subscriptions, tick phase)
        from spectra.life_goals import spectra_goal_intentions
        from spectra.reporting import spectra_goals_final, spectra_goals_sample
        from world.autonomy.grammar_check import register_grammar
        from world.autonomy.intentions import register_intention_source
        from world.models import GrammarSymbol
        from world.reporting.sampling import register_final_sampler, register_tick_sampler

        # Spectra's grammars, edited by designers beside the talk (world.GrammarSymbol).
        register_grammar(GrammarSymbol.Grammar.THOUGHTS, thoughts.RULES, thoughts.BINDINGS)
        register_grammar(GrammarSymbol.Grammar.EXPRESSIONS, expression.RULES, expression.BINDINGS)
        register_grammar(GrammarSymbol.Grammar.REPLIES, reply_grammar.RULES, reply_grammar.BINDINGS)
        register_intention_source(spectra_goal_intentions)
        register_tick_sampler(spectra_goals_sample)
        register_final_sampler(spectra_goals_final)

"""The expression handler: Spectra's idle behaviours, chosen by mood, with cooldowns so she
does not repeat herself (pure).

What she does is a phrase grammar designers edit in the admin (`world.GrammarSymbol`, grammar
"expressions"): each symbol `<mood>_<behaviour>` is one behaviour shown in that mood, its
alternatives the words others see. A designer adds a behaviour by adding a symbol
(`joy_dancing`), or more ways to tell one (`calm_humming`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from htrae.grammar import Rules, expand

# mood -> (behaviour, what others see)
BEHAVIOURS: dict[str, tuple[tuple[str, str], ...]] = {
    "calm": (
        ("humming", "Spectra hums a slow, wandering tune."),
        ("gazing", "Spectra gazes at the sky, unhurried."),
        ("breathing", "Spectra breathes in the air of the place, eyes half closed."),
        ("sitting", "Spectra settles down and lets the light pool around her."),
    ),
    "joy": (
        ("laughing", "Spectra laughs, and the light laughs with her."),
        ("twirling", "Spectra spins on her heel, trailing colour."),
        ("humming", "Spectra hums a bright little melody."),
        ("sketching", "Spectra sketches something quick and delighted in the air."),
    ),
    "intensity": (
        ("pacing", "Spectra paces, sparks crackling at her fingertips."),
        ("tapping", "Spectra taps a quick, restless rhythm."),
        ("clenching", "Spectra's hands close into bright fists, then open."),
        ("striding", "Spectra strides to the edge of the place and back."),
    ),
    "melancholy": (
        ("sighing", "Spectra sighs; the colours around her dim a little."),
        ("gazing", "Spectra gazes at the sky as if looking for someone."),
        ("humming", "Spectra hums something low and half-remembered."),
        ("tracing", "Spectra traces a faded shape on the ground."),
    ),
    "curiosity": (
        ("examining", "Spectra crouches to examine something no one else noticed."),
        ("tapping", "Spectra taps a stone, listening to how it rings."),
        ("sketching", "Spectra sketches the place in quick strokes of light."),
        ("tilting", "Spectra tilts her head, listening to something far away."),
    ),
    "unease": (
        ("pacing", "Spectra paces, glancing over her shoulder."),
        ("flickering", "Spectra's outline flickers, unsure of itself."),
        ("listening", "Spectra goes very still, listening."),
        ("tapping", "Spectra taps her fingers, out of rhythm."),
    ),
    "wonder": (
        ("gazing", "Spectra gazes at the sky, lit from within."),
        ("reaching", "Spectra reaches toward the light as if to hold it."),
        ("sketching", "Spectra sketches a spiral of colour that lingers in the air."),
        ("whispering", "Spectra whispers to the place, and it seems to answer."),
    ),
    "warmth": (
        ("glowing", "Spectra's glow softens to rose and spreads to those nearby."),
        ("humming", "Spectra hums a low, contented tune."),
        ("leaning", "Spectra leans close to the people here, as if to share their warmth."),
        ("cupping", "Spectra cups a little light in her hands and offers it out."),
    ),
    "anger": (
        ("glaring", "Spectra glares at nothing; the light around her goes hard and sour."),
        ("muttering", "Spectra mutters something bitter under her breath."),
        ("kicking", "Spectra kicks at a pebble, and it skitters off trailing sparks."),
        ("folding", "Spectra folds her arms, her colours smouldering."),
    ),
    "aloofness": (
        ("turning", "Spectra turns her back on the place and looks elsewhere."),
        ("dimming", "Spectra draws her light in close, cool and pale."),
        ("standing", "Spectra stands apart, watching as if from very far away."),
        ("ignoring", "Spectra lets the talk around her pass without a glance."),
    ),
    "contentment": (
        ("basking", "Spectra basks, her light pooling soft and green."),
        ("resting", "Spectra rests her chin in her hands, smiling at nothing."),
        ("swaying", "Spectra sways a little, as if to music only she hears."),
        ("drowsing", "Spectra drowses, and her glow rises and falls with her breath."),
    ),
}

# The shipped grammar: every behaviour above as its own symbol.
RULES: dict[str, tuple[str, ...]] = {
    f"{mood}_{behaviour}": (text,) for mood, shown in BEHAVIOURS.items() for behaviour, text in shown
}
BINDINGS = {"place": "the Glass Market"}  # #place#: where she is

BEHAVIOUR_COOLDOWN_TICKS = 8  # the same behaviour, at most this often
GAP_TICKS = 3  # and some quiet between any two
CHANCE = 0.6  # she does not always show something when she may


@dataclass(frozen=True)
class Expression:
    behaviour: str
    text: str
    mood: str
    tick: int

    def as_json(self) -> dict:
        return {"behaviour": self.behaviour, "text": self.text, "mood": self.mood, "tick": self.tick}


def behaviours_for(mood: str, rules: Rules) -> tuple[str, list[str]]:
    """The mood whose behaviours she shows (calm's, for a mood the grammar has none for) and
    those behaviours."""
    shown = mood if any(symbol.startswith(f"{mood}_") for symbol in rules) else "calm"
    return shown, [symbol[len(shown) + 1 :] for symbol in rules if symbol.startswith(f"{shown}_")]


def choose_expression(
    *, mood: str, tick: int, last_shown: dict[str, int], rng: random.Random, rules: Rules = RULES, place: str = ""
) -> Expression | None:
    """An idle behaviour for this tick, or None (cooling down, or she is simply still)."""
    if last_shown and tick - max(last_shown.values()) < GAP_TICKS:
        return None
    if rng.random() > CHANCE:
        return None
    shown_as, behaviours = behaviours_for(mood, rules)
    options = [
        behaviour
        for behaviour in behaviours
        if tick - last_shown.get(behaviour, -BEHAVIOUR_COOLDOWN_TICKS) >= BEHAVIOUR_COOLDOWN_TICKS
    ]
    if not options:
        return None
    behaviour = rng.choice(options)
    text = expand(rules, f"#{shown_as}_{behaviour}#", rng, {"place": place or "this place"})
    return Expression(behaviour=behaviour, text=text, mood=mood, tick=tick)

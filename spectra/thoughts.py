"""Spectra's stream of thoughts, drawn from what she perceives, her mood and her goals (pure)."""

from __future__ import annotations

import random

from htrae.grammar import Rules, expand

MAX_THOUGHTS = 8

# A phrase grammar (`htrae.grammar`) that designers edit in the admin (`world.GrammarSymbol`,
# grammar "thoughts"): a thought is about her place, the company she keeps or her first goal
# (`about_place`, `about_company`, `about_goal`); `feel_<mood>` is how a place feels to her in
# that mood (#feel#). The composer binds #place#, #name# (one of her company), #goal# and
# #goal_lower#.
RULES: dict[str, tuple[str, ...]] = {
    "about_company": (
        "#name# is here. I wonder what they dream about.",
        "I like the way #name# listens.",
        "#name# looks tired. Maybe I can brighten this place for them.",
        "Should I talk to #name#? They seem to be waiting for something.",
    ),
    "about_place": (
        "#place# feels #feel# today.",
        "The light in #place# bends strangely. I want to understand why.",
        "I have been to #place# before, but never at this hour.",
    ),
    "about_goal": (
        "I keep coming back to it: #goal#.",
        "One day I will #goal_lower#.",
        "Is this bringing me closer? #goal#.",
    ),
    "feel_calm": ("still and kind",),
    "feel_joy": ("like a held breath of laughter",),
    "feel_intensity": ("charged, like the air before a storm",),
    "feel_melancholy": ("heavy and far away",),
    "feel_curiosity": ("full of small secrets",),
    "feel_unease": ("wrong in a way I can't name",),
    "feel_wonder": ("impossibly bright",),
    "feel_warmth": ("soft, like a hand held out",),
    "feel_anger": ("like it owes me something it never paid",),
    "feel_aloofness": ("small and far beneath me",),
    "feel_contentment": ("just as it should be",),
}
BINDINGS = {
    "place": "the Glass Market",
    "name": "Oren",
    "goal": "Find the Drowned Bell",
    "goal_lower": "find the Drowned Bell",
    "feel": "still and kind",
}
ABOUT = ("place", "company", "goal")


def compose_thought(
    *, mood: str, place: str, company: list[str], goal: str | None, rng: random.Random, rules: Rules = RULES
) -> dict:
    """One thought, with what it is about. What she can think about is drawn in proportion
    to the lines the grammar has for it."""
    choices = [about for about in ABOUT if (about != "company" or company) and (about != "goal" or goal)]
    choices = [about for about in choices if rules.get(f"about_{about}")]
    about = rng.choices(choices, weights=[len(rules[f"about_{about}"]) for about in choices])[0]
    goal = (goal or "").rstrip(".")
    feeling = f"feel_{mood}"
    bindings = {
        "name": rng.choice(company) if company else "",
        "place": place,
        "feel": expand(rules, f"#{feeling}#", rng) if rules.get(feeling) else "strange",
        "goal": goal,
        "goal_lower": goal[:1].lower() + goal[1:],
    }
    return {"text": expand(rules, f"#about_{about}#", rng, bindings), "about": about, "mood": mood}


def remember_thought(thoughts: list[dict], thought: dict) -> list[dict]:
    """The stream with `thought` added, oldest forgotten past MAX_THOUGHTS."""
    return [*thoughts, thought][-MAX_THOUGHTS:]

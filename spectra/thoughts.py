"""Spectra's stream of thoughts, drawn from what she perceives, her mood and her goals (pure)."""

from __future__ import annotations

import random

MAX_THOUGHTS = 8

ABOUT_COMPANY = (
    "{name} is here. I wonder what they dream about.",
    "I like the way {name} listens.",
    "{name} looks tired. Maybe I can brighten this place for them.",
    "Should I talk to {name}? They seem to be waiting for something.",
)
ABOUT_PLACE = (
    "{place} feels {adjective} today.",
    "The light in {place} bends strangely. I want to understand why.",
    "I have been to {place} before, but never at this hour.",
)
ABOUT_GOAL = (
    "I keep coming back to it: {goal}.",
    "One day I will {goal_lower}.",
    "Is this bringing me closer? {goal}.",
)
ADJECTIVES = {
    "calm": "still and kind",
    "joy": "like a held breath of laughter",
    "intensity": "charged, like the air before a storm",
    "melancholy": "heavy and far away",
    "curiosity": "full of small secrets",
    "unease": "wrong in a way I can't name",
    "wonder": "impossibly bright",
    "warmth": "soft, like a hand held out",
    "anger": "owed me something it never paid",
    "aloofness": "small and far beneath me",
    "contentment": "just as it should be",
}


def compose_thought(*, mood: str, place: str, company: list[str], goal: str | None, rng: random.Random) -> dict:
    """One thought, with what it is about."""
    choices: list[tuple[str, str]] = [("place", text) for text in ABOUT_PLACE]
    if company:
        choices += [("company", text) for text in ABOUT_COMPANY]
    if goal:
        choices += [("goal", text) for text in ABOUT_GOAL]
    about, template = rng.choice(choices)
    goal = (goal or "").rstrip(".")
    text = template.format(
        name=rng.choice(company) if company else "",
        place=place,
        adjective=ADJECTIVES.get(mood, "strange"),
        goal=goal,
        goal_lower=goal[:1].lower() + goal[1:],
    )
    return {"text": text, "about": about, "mood": mood}


def remember_thought(thoughts: list[dict], thought: dict) -> list[dict]:
    """The stream with `thought` added, oldest forgotten past MAX_THOUGHTS."""
    return [*thoughts, thought][-MAX_THOUGHTS:]

"""What characters say to each other when they talk on their own: short lines composed from
the speaker's mood, the place, the listener and what the speaker strives for.

A stand-in until the dialogue provider arrives; pure, and seeded like every decision.
"""

from __future__ import annotations

import random

OPENERS = {
    "joy": ("What a day, {listener}!", "{listener}, you're a welcome sight.", "Ha! {listener}, come here."),
    "curiosity": ("{listener}, have you noticed something odd?", "Tell me, {listener}:", "{listener}, a question."),
    "melancholy": ("Oh, {listener}.", "{listener}... sit a while.", "Evening comes early, {listener}."),
    "unease": ("{listener}, keep your voice down.", "Did you hear that, {listener}?", "{listener}, something's off."),
    "intensity": (
        "{listener}, listen to me.",
        "No time to waste, {listener}.",
        "{listener}! Now, before it's too late.",
    ),
    "wonder": ("{listener}, look at the light!", "Can you feel it, {listener}?", "{listener}, it's beautiful."),
    "calm": ("Well met, {listener}.", "Good to see you, {listener}.", "{listener}, how goes it?"),
}

BODIES = (
    "I mean to {goal}.",
    "I keep thinking I should {goal}.",
    "Would you help me {goal}?",
    "Someday I will {goal}, you'll see.",
    "They say {place} is changing.",
    "{place} feels different today.",
    "Have you heard any news from beyond {place}?",
    "The lamps burned strange last night.",
    "Spectra passed this way, or so they say.",
)


def compose_line(
    *, mood: str, listener: str, place: str, goals: tuple[str, ...], rng: random.Random, belief: str = ""
) -> str:
    """One line of speech, varied by the generator; now and then it voices a `belief` the
    speaker holds (a reflection's statement) instead of small talk."""
    opener = rng.choice(OPENERS.get(mood, OPENERS["calm"])).format(listener=listener)
    if belief and rng.random() < 0.5:
        return f"{opener} {belief}"
    body = rng.choice(BODIES if goals else BODIES[4:])
    goal = rng.choice(goals).rstrip(".") if goals else ""
    if goal:
        goal = goal[0].lower() + goal[1:]
    return f"{opener} {body.format(goal=goal, place=place)}"

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
    "warmth": ("{listener}, my friend.", "Come sit with me, {listener}.", "Always good to see you, {listener}."),
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


# Talk of someone the speaker knows and the listener may not: (what it asks, what it thinks),
# the thought by the speaker's liking (fond, cool, cold).
ABOUT_SOMEONE = (
    "Do you know {subject}?",
    "Have you met {subject}?",
    "I was with {subject} not long ago.",
)
OPINIONS = {
    "fond": ("A good soul.", "You'd like {them}.", "I'd trust {them} with anything."),
    "cool": ("Hard to read, that one.", "We get along, mostly.", "Busy as ever."),
    "cold": ("Keep your distance.", "I wouldn't trust {them}.", "Trouble follows {them}."),
}
FOND, COLD = 0.2, -0.2  # the speaker's affinity from which it speaks well, or ill, of someone

# To someone the speaker does not know yet: no name to call them by, its own to give.
INTRODUCTIONS = (
    "I don't think we've met. I'm {me}.",
    "We haven't been introduced, have we? {me}.",
    "A new face! I'm {me}, and you are?",
    "Forgive me, I don't know your name. Mine's {me}.",
)
# To one everybody knows of (Spectra): their name is known, only one's own is news.
INTRODUCTIONS_TO_THE_FAMOUS = (
    "{listener}! I'm {me}. I've heard so much about you.",
    "So you are {listener}. I'm {me}; we've not met before.",
)


def compose_line(
    *,
    mood: str,
    listener: str,
    place: str,
    goals: tuple[str, ...],
    rng: random.Random,
    belief: str = "",
    subject: str = "",
    subject_affinity: float = 0.0,
    subject_famous: bool = False,
    introducing: str = "",
    listener_famous: bool = False,
) -> str:
    """One line of speech, varied by the generator; now and then it voices a `belief` the
    speaker holds (a reflection's statement), or talks of a `subject` it knows (and what it
    thinks of them; one everybody knows of, `subject_famous`, is not asked about), instead of
    small talk. To a stranger it gives its name (`introducing`: the speaker's) first, and asks
    theirs unless everybody knows it (`listener_famous`)."""
    if introducing:
        lines = INTRODUCTIONS_TO_THE_FAMOUS if listener_famous else INTRODUCTIONS
        return rng.choice(lines).format(me=introducing, listener=listener)
    opener = rng.choice(OPENERS.get(mood, OPENERS["calm"])).format(listener=listener)
    if belief and rng.random() < 0.5:
        return f"{opener} {belief}"
    if subject:
        tone = "fond" if subject_affinity >= FOND else "cold" if subject_affinity <= COLD else "cool"
        # nobody asks whether you have met Spectra
        ask = rng.choice(ABOUT_SOMEONE[2:] if subject_famous else ABOUT_SOMEONE).format(subject=subject)
        thought = rng.choice(OPINIONS[tone]).format(them=subject.split()[0])
        return f"{opener} {ask} {thought}"
    body = rng.choice(BODIES if goals else BODIES[4:])
    goal = rng.choice(goals).rstrip(".") if goals else ""
    if goal:
        goal = goal[0].lower() + goal[1:]
    return f"{opener} {body.format(goal=goal, place=place)}"

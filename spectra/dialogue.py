"""Dialogue: what Spectra or an NPC says back when a player speaks to them.

Who answers (`spectra.dialogue_subscribers`): every line a player says (`PLAYER_SPOKE`) gets at
most one answer. The NPC at the place whose first or full name the player said answers
(case-insensitive, whole words); otherwise Spectra, if she is at the place; otherwise nobody. The
answer is made after the player's action commits, off the tick and off the request path
(`htrae.background`): by a Celery worker in served mode, on the server's event loop in a worker
thread under `manage.py serve`, inline elsewhere (tests, management commands).
`spectra.replies.reply_to_player` then publishes it as `SPECTRA_TALKED` / `NPC_TALKED` with the
player as listener, so it reaches the place as a `chat_message` and joins the conversation.

Where the words come from, a `DialogueProvider`:

- `OfflineDialogueProvider` (the default): no model, no network. It composes one to three
  sentences from the speaker's mood, persona, goals, what the player talked about and one of
  the speaker's memories; Spectra's voice speaks of light and colour. Seeded: the same request
  gives the same words.
- `OpenAICompatibleProvider`: any server speaking OpenAI's chat-completions API (OpenAI,
  a local llama.cpp / vLLM / Ollama, ...). If it is slow, down or answers nonsense, the reply
  comes from its fallback (the offline provider) and a warning is logged: a player is always
  answered.

Settings (environment variables, see `.env.example`):

- `DIALOGUE_API_BASE`: the API's base URL, e.g. `https://api.openai.com/v1` or
  `http://127.0.0.1:11434/v1`; unset means offline.
- `DIALOGUE_MODEL` (default `gpt-4o-mini`), `DIALOGUE_API_KEY` (sent as a bearer token when
  set), `DIALOGUE_TIMEOUT_SECONDS` (default 8: the whole call, connect to last byte).

Replies are at most `REPLY_MAX_CHARS` characters. This module is pure Python apart from the
HTTP call: no ORM.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx
from django.conf import settings

from htrae.text import APOSTROPHES, STOP_WORDS, is_stop_word
from spectra.emotion import MOODS

logger = logging.getLogger(__name__)

REPLY_MAX_CHARS = 400
MAX_SENTENCES = 3
MEMORY_MAX_CHARS = 160
RESPONSE_MAX_BYTES = 256 * 1024  # a chat completion of 200 tokens is a few KiB
SPEAKER_KINDS = ("spectra", "npc")


@dataclass(frozen=True)
class DialogueRequest:
    """Everything a provider may use to answer a player, as plain data."""

    speaker_id: int
    speaker_name: str
    speaker_kind: str  # "spectra" or "npc"
    persona: str  # the character's description
    personality: Mapping[str, float]  # Big Five, 0..1
    goals: tuple[str, ...]
    mood: str  # one of spectra.emotion.MOODS (others read as calm)
    listener_name: str
    heard: str  # what the player said
    location_name: str
    memories: tuple[str, ...] = ()  # most relevant first
    seed: int = 0
    beliefs: tuple[str, ...] = ()  # what the speaker has come to believe about what was said


@runtime_checkable
class DialogueProvider(Protocol):
    name: str

    def reply(self, request: DialogueRequest) -> str: ...


def _cap(text: str, limit: int = REPLY_MAX_CHARS) -> str:
    """Trim whitespace and cut at a word boundary so the text fits in `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-—")
    return f"{cut}…"


# --- The offline provider ----------------------------------------------------------------

_WORD = re.compile(rf"[^\W\d_][\w{APOSTROPHES}-]*")
_QUESTION_OPENERS = frozenset(
    {"who", "what", "when", "where", "why", "how", "which", "is", "are", "do", "does", "did", "can", "could", "will"}
)

# Spectra perceives in light and colour; each mood has its hue (the lore's seven colours and
# the rose of warmth).
SPECTRA_COLOURS = {
    "calm": ("pale silver-blue", "soft pearl", "the blue of still water"),
    "joy": ("bright gold", "warm amber", "the yellow of new lanterns"),
    "intensity": ("white-hot crimson", "sharp scarlet", "the red at the heart of a flame"),
    "melancholy": ("deep indigo", "dusk violet", "the grey-blue of rain on glass"),
    "curiosity": ("shifting teal", "quick green-gold", "the green of light through leaves"),
    "unease": ("flickering green", "bruised ochre", "a colour I have no name for"),
    "wonder": ("opal", "every colour at once", "the violet edge of a rainbow"),
    "warmth": ("rose", "the pink of a banked fire", "the blush of dawn on glass"),
}

# Each mood's own phrases (openers and feelings); no phrase is shared between moods, so the mood
# shows in the words.
NPC_OPENERS = {
    "calm": (
        "Well met, {listener}.",
        "Good to hear your voice, {listener}.",
        "Easy now, {listener}, I'm listening.",
        "Ah, {listener}, sit if you like.",
        "Evening, {listener}, or near enough.",
    ),
    "joy": (
        "Ha, {listener}, you've brightened my day!",
        "What a pleasure, {listener}!",
        "Oh, I'm glad you asked, {listener}!",
        "There's a cheerful voice, {listener}.",
        "You've caught me in fine spirits, {listener}.",
    ),
    "intensity": (
        "{listener}, listen closely.",
        "No time for idle talk, {listener}.",
        "Right, {listener}, here it is.",
        "Hear me out, {listener}!",
        "Pay attention, {listener}, because this matters.",
    ),
    "melancholy": (
        "Oh, {listener}, forgive me, I'm not myself today.",
        "{listener}, it's a grey sort of day, isn't it?",
        "Sit with me a moment, {listener}.",
        "Ah, {listener}, little lifts my heart lately.",
        "You find me low, {listener}.",
    ),
    "curiosity": (
        "Now that's interesting, {listener}.",
        "Hm, {listener}, you've got me wondering.",
        "Funny you should say that, {listener}.",
        "{listener}, I've been puzzling over that myself.",
        "Tell me more, {listener}; go on.",
    ),
    "unease": (
        "{listener}, keep your voice down.",
        "Careful, {listener}; walls have ears here.",
        "I don't like this, {listener}.",
        "{listener}, did you hear something just now?",
        "Not so loud, {listener}, please.",
    ),
    "wonder": (
        "{listener}, have you ever seen the like?",
        "Oh, {listener}, what a thought.",
        "Strange and lovely, {listener}.",
        "{listener}, some days this world astonishes me.",
        "Would you believe it, {listener}?",
    ),
    "warmth": (
        "Ah, {listener}, it's good to have you near.",
        "Come, {listener}, sit by me.",
        "{listener}, my friend, I'm glad you came by.",
        "Always a kindness to see you, {listener}.",
        "You're a comfort, {listener}, you know that?",
    ),
}
NPC_FEELINGS = {
    "calm": ("and I've made my peace with it", "and there's no hurry in it", "plain as the road"),
    "joy": ("and it makes me smile", "and I could talk of it all day", "and none of it is bad news"),
    "intensity": ("and it matters more than you know", "and we can't afford to ignore it", "and I won't let it rest"),
    "melancholy": ("though it brings a heaviness", "and it makes me miss older days", "though little good comes of it"),
    "curiosity": (
        "and I'd dearly like to know more",
        "and I keep turning it over",
        "and there's more to it than it seems",
    ),
    "unease": ("but I'd not speak of it too loudly", "and it sets my teeth on edge", "and something about it is wrong"),
    "wonder": ("and it still amazes me", "and it feels almost like a dream", "and there's a marvel in it"),
    "warmth": (
        "and I'm glad to share it with you",
        "and it warms me to think of it",
        "and you of all people should know",
    ),
}
SPECTRA_OPENERS = {
    "calm": (
        "{listener}, your voice arrives like lamplight on still water.",
        "I hear you, {listener}; the light here is quiet and clear.",
        "Hello, {listener}; everything around me glows softly tonight.",
        "{listener}, come stand in the light with me.",
        "Your words settle in me gently, {listener}.",
    ),
    "joy": (
        "Your voice makes the lanterns blaze, {listener}!",
        "Oh, {listener}, I am all sparks and gold right now.",
        "{listener}, you make my edges shimmer.",
        "How bright you sound, {listener}!",
        "Every prism in me is singing, {listener}.",
    ),
    "intensity": (
        "{listener}, the light in me is burning very hot.",
        "Listen, {listener}: everything in me is blazing.",
        "{listener}, I am too bright to hold still.",
        "My colours are roaring, {listener}.",
        "{listener}, the glow around me will not soften!",
    ),
    "melancholy": (
        "{listener}, my light is low today.",
        "Forgive the dimness, {listener}; the lanterns are sad with me.",
        "{listener}, everything I touch goes blue and quiet.",
        "I am more shadow than shine today, {listener}.",
        "Oh, {listener}, even my reflections look tired.",
    ),
    "curiosity": (
        "{listener}, your words bend my light in new directions.",
        "Oh, {listener}, I want to turn that over like a prism.",
        "{listener}, that makes colours flicker in me that I don't know yet.",
        "What a bright question, {listener}.",
        "{listener}, I lean toward that the way flowers lean toward me.",
    ),
    "unease": (
        "{listener}, my light keeps flickering and I don't know why.",
        "Something dims at my edges, {listener}.",
        "{listener}, the shadows here feel too long.",
        "I am shivering into strange colours, {listener}.",
        "Stay near, {listener}; the lanterns are trembling.",
    ),
    "wonder": (
        "{listener}, do you see how the air glitters?",
        "Oh, {listener}, everything is refracting at once!",
        "{listener}, I could split into rainbows at that.",
        "Look, {listener}: even the dust is shining.",
        "{listener}, the world is so full of light.",
    ),
    "warmth": (
        "{listener}, you make my light go soft and rosy.",
        "Stay a while, {listener}; I glow warmer when you're here.",
        "{listener}, I've kept a little light aside for you.",
        "Oh, {listener}, the lanterns blush when you speak.",
        "{listener}, come closer; the light here is kind.",
    ),
}
SPECTRA_FEELINGS = {
    "calm": ("and it rests in me like still water", "a slow, even glow", "and the light around it is steady"),
    "joy": ("and it sparkles all through me", "like sunlight through amber glass", "and I want to glow brighter"),
    "intensity": ("and it burns in me like a struck match", "blazing too bright to look at", "and I cannot dim it"),
    "melancholy": ("and it fades at the edges", "like a lantern guttering out", "and the colour drains from it"),
    "curiosity": ("and I want to see every facet of it", "a light I keep chasing", "and it glints in new ways"),
    "unease": ("and it flickers like a failing lamp", "a shadow I cannot shake", "and the light around it trembles"),
    "wonder": ("and it glimmers like a dream", "as if the stars came down to look", "and it splits into rainbows"),
    "warmth": ("and it glows in me like an ember", "a rosy light I want to share", "and the light around it is tender"),
}

NPC_TOPIC_QUESTION = (
    "About {topic}, I've heard a thing or two, {feeling}.",
    "You ask about {topic}; folk in {place} talk of little else, {feeling}.",
    "So it's {topic} you're asking after; I know what I know, {feeling}.",
    "If it's {topic} you want to know about, I'm as good as any to ask, {feeling}.",
    "Ask ten people here about {topic} and you'll get eleven answers, {feeling}.",
    "I make more of {topic} than I'd like, {feeling}.",
)
NPC_TOPIC_STATEMENT = (
    "I've thought about {topic} myself, {feeling}.",
    "So it's {topic} on your mind; it's on mine too, {feeling}.",
    "Aye, there's been talk of {topic} in {place}, {feeling}.",
    "You're not the first to mention {topic} to me, {feeling}.",
    "I'll remember you said that about {topic}, {feeling}.",
    "{Topic} is a word I hear often lately, {feeling}.",
)
SPECTRA_TOPIC_QUESTION = (
    "When I think of {topic} I see {colour}, {feeling}.",
    "You ask me about {topic}, and the light in me bends toward it, {feeling}.",
    "I have watched the light of {topic} change across many days, {feeling}.",
    "If I hold {topic} up to the light, it turns {colour}, {feeling}.",
    "I don't know all of {topic} yet, but it shines {colour} in me, {feeling}.",
    "Ask me about {topic} again tomorrow and my colour may have changed; today it is {colour}, {feeling}.",
)
SPECTRA_TOPIC_STATEMENT = (
    "I see {topic} as a colour, {colour}, {feeling}.",
    "When you say {topic}, it glows {colour} between us, {feeling}.",
    "There is a shimmer around {topic}, {feeling}.",
    "You bring me {topic} like a shard of glass, and it catches {colour}, {feeling}.",
    "{Topic} tints the air here {colour}, {feeling}.",
    "I will keep {topic} in my light for a while, {feeling}.",
)
NPC_MEMORY = (
    "It puts me in mind of something: {memory}",
    "I remember this much: {memory}",
    "Funny, it brings this back: {memory}",
    "Can't help thinking of it: {memory}",
    "Not so long ago, this happened: {memory}",
    "Here's what stays with me: {memory}",
)
SPECTRA_MEMORY = (
    "A memory glimmers up in me: {memory}",
    "I keep this one like a shard of coloured glass: {memory}",
    "Somewhere in my light I still hold it: {memory}",
    "It reflects something I remember: {memory}",
    "A bright splinter of memory: {memory}",
    "I remember, in {colour}: {memory}",
)
NPC_CLOSERS = (
    "Mind how you go in {place}.",
    "Come and find me again in {place} sometime.",
    "That's how it looks to {role}, anyway.",
    "Take it from {role}.",
    "Stay a while, if you've the time.",
    "Anyway, there's work waiting for {role}.",
)
NPC_GOAL_CLOSERS = (
    "Me, I still mean to {goal}.",
    "For my part, I'm set on trying to {goal}.",
    "If the days allow, I'll {goal}.",
    "Would you help me {goal}, one day?",
)
SPECTRA_CLOSERS = (
    "Stay, {listener}, and let the light of {place} settle on you.",
    "Everything in {place} hums {colour} tonight.",
    "Watch the lanterns of {place}; they tell you how I feel.",
    "Thank you for speaking to me, {listener}; it makes my light steadier.",
    "I am still learning what each colour means.",
    "Come back, {listener}; I want to see what colour you bring next time.",
)
SPECTRA_GOAL_CLOSERS = (
    "I am trying to {goal}; perhaps you will see it happen.",
    "Someday I will {goal}, and the whole sky will know it.",
    "Will you help me {goal}?",
    "Everything I am leans toward one thing: to {goal}.",
)
NPC_BELIEF = (
    "I'll tell you what I've come to think: {belief}",
    "For what it's worth, {belief_lower}",
    "I've turned it over many times, and here's where I stand: {belief}",
)
SPECTRA_BELIEF = (
    "I have looked at it in every light, and this is what I see: {belief}",
    "My light has settled on it: {belief}",
    "After all I have seen, {belief_lower}",
)
NPC_NO_TOPIC = (
    "What can I do for you?",
    "Something on your mind?",
    "Speak plainly, I won't bite.",
)
SPECTRA_NO_TOPIC = (
    "Say more, and I will listen with all my light.",
    "Your words are small, but they shine.",
    "I hear you; even your silences have a colour.",
)
_THIRD_PERSON = re.compile(r"\b(?:she|her|hers|herself|he|him|his|himself)\b", re.IGNORECASE)
_NAMED_JOINERS = frozenset({"of", "the", "de", "du", "van", "von"})
_NOUN_MARKERS = frozenset({"the", "a", "an", "my", "your", "his", "her", "their", "our", "this", "that", "about", "of"})


def _sentence(text: str, *, capitalise: bool = True) -> str:
    """Ended with a stop, and capitalised unless told not to (a name as its owner spells it)."""
    text = text.strip()
    if not text:
        return text
    if capitalise:
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def _lower_first(text: str, *, only_common_words: bool = False) -> str:
    """'Learn why the lamps dim' → 'learn why the lamps dim', to follow 'I mean to'. A name
    ("Spectra's ...", or any capitalised word with `only_common_words`) keeps its capital."""
    first = text.split()[0] if text.split() else ""
    common = first.lower() in STOP_WORDS if only_common_words else not any(mark in first for mark in APOSTROPHES)
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and common:
        return text[0].lower() + text[1:]
    return text


def _is_content(word: str, exclude: frozenset[str]) -> bool:
    lowered = word.lower()
    # "it's" is as empty as "it"
    return len(word) >= 3 and not is_stop_word(word) and lowered not in exclude


def _named_end(words: list[str], index: int, exclude: frozenset[str]) -> int:
    """Where a run of capitalised words starting at `index` ends ("Ruins of Aurel")."""
    end = index + 1
    while end < len(words) and end - index < 5:
        word = words[end]
        if word[:1].isupper() and _is_content(word, exclude):
            end += 1
        elif word.lower() in _NAMED_JOINERS and end + 1 < len(words) and words[end + 1][:1].isupper():
            end += 2
        else:
            break
    return end


def topic_candidates(*, heard: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """What the player talked about, best first: named places or people (capitalised words
    inside a sentence, or several in a row, "the Ruins of Aurel"), then runs of content words
    ("lighthouse keepers"), those after an article or "about" first (likelier things than
    deeds), longer first. Content words come lower-cased."""
    named: list[str] = []
    phrases: list[tuple[bool, int, str]] = []
    if heard.isupper():  # SHOUTING names nothing
        heard = heard.lower()
    for sentence in re.split(r"(?<=[.!?;:])\s+|\n+", heard):
        words = [match.group().strip(f"{APOSTROPHES}-") for match in _WORD.finditer(sentence)]
        index = 0
        while index < len(words):
            word = words[index]
            if not _is_content(word, exclude):
                index += 1
                continue
            previous = words[index - 1].lower() if index else ""
            if word[0].isupper():
                end = _named_end(words, index, exclude)
                # A lone capitalised word opening a sentence is just a capital letter.
                if end - index > 1 or index > 0:
                    named.append(("the " if previous == "the" else "") + " ".join(words[index:end]))
                    index = end
                    continue
            end = index + 1
            while end - index < 3 and end < len(words) and _is_content(words[end], exclude):
                if words[end][0].isupper():
                    break
                end += 1
            phrase = " ".join(words[index:end]).lower()
            phrases.append((previous in _NOUN_MARKERS, len(phrase), phrase))
            index = end
    ranked = [phrase for _, _, phrase in sorted(phrases, key=lambda item: (not item[0], -item[1]))]
    return list(dict.fromkeys(phrase[:60] for phrase in (*named, *ranked)))


def _is_question(heard: str) -> bool:
    words = heard.strip().split()
    return heard.rstrip().endswith("?") or bool(words and words[0].lower().strip(",") in _QUESTION_OPENERS)


def _role(persona: str) -> str:
    """'Lamp-warden of the Sunspire, a careful man...' → 'the Lamp-warden of the Sunspire'."""
    first = re.split(r"[.,;:]|\s(?:who|which|that|with)\s", persona.strip(), maxsplit=1)[0].strip()
    words = first.split()
    if not words or len(words) > 7:
        return "someone who's lived here a while"
    if words[0].lower() in {"a", "an", "the"}:
        return f"{words[0].lower()} {' '.join(words[1:])}"
    return f"the {first}"


def _memory(text: str) -> str:
    """A memory's first sentence, to follow a colon: 'The lamps dimmed.' → 'the lamps dimmed.'"""
    first = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    return _sentence(_lower_first(_cap(first, MEMORY_MAX_CHARS), only_common_words=True), capitalise=False)


class OfflineDialogueProvider:
    """Composes a reply from the speaker's mood, persona, goals and memories and the topic the
    player raised; seeded by the request, so the same request gives the same words."""

    name = "offline"

    def reply(self, request: DialogueRequest) -> str:
        rng = random.Random(f"{request.seed}:{request.speaker_id}:{request.heard}")
        mood = request.mood if request.mood in MOODS else "calm"
        spectra = request.speaker_kind == "spectra"
        listener = request.listener_name.strip() or "traveller"
        colour = rng.choice(SPECTRA_COLOURS[mood])
        feeling = rng.choice((SPECTRA_FEELINGS if spectra else NPC_FEELINGS)[mood])
        place = request.location_name or "this place"
        exclude = frozenset(part.lower() for part in f"{request.speaker_name} {listener}".split())
        topics = topic_candidates(heard=request.heard, exclude=exclude)
        # A name first (content words come lower-cased); otherwise one of the two best words.
        named = bool(topics) and topics[0] != topics[0].lower()
        topic = topics[0] if named else (rng.choice(topics[:2]) if topics else None)
        # Goals are written about the character ("...who neither fears her"): quote only those
        # that read right in their own mouth.
        goals = [goal for goal in request.goals if goal.strip() and not _THIRD_PERSON.search(goal)]
        goal = _lower_first(rng.choice(goals).strip().rstrip(".!")) if goals else ""
        fill = {
            "listener": listener,
            "place": place,
            "colour": colour,
            "feeling": feeling,
            "role": _role(request.persona),
            "goal": goal,
        }

        opener = rng.choice((SPECTRA_OPENERS if spectra else NPC_OPENERS)[mood]).format(**fill)
        body: list[str] = []
        if topic:
            question = _is_question(request.heard)
            if spectra:
                templates = SPECTRA_TOPIC_QUESTION if question else SPECTRA_TOPIC_STATEMENT
            else:
                templates = NPC_TOPIC_QUESTION if question else NPC_TOPIC_STATEMENT
            body.append(rng.choice(templates).format(**fill, topic=topic, Topic=topic[0].upper() + topic[1:]))
        if request.beliefs:
            # A belief about what the player raised comes before any single memory.
            belief = _sentence(request.beliefs[0])
            lower = _lower_first(belief, only_common_words=True)
            body.append(rng.choice(SPECTRA_BELIEF if spectra else NPC_BELIEF).format(belief=belief, belief_lower=lower))
        if request.memories and len(body) < MAX_SENTENCES - 1:
            # Mostly the most relevant memory, sometimes the next ones.
            memory = rng.choices(request.memories[:3], weights=(6, 2, 1)[: len(request.memories[:3])])[0]
            body.append(rng.choice(SPECTRA_MEMORY if spectra else NPC_MEMORY).format(**fill, memory=_memory(memory)))
        if not body:
            body.append(rng.choice(SPECTRA_NO_TOPIC if spectra else NPC_NO_TOPIC))

        sentences = [opener, *body] if len(body) < MAX_SENTENCES and rng.random() < 0.8 else list(body)
        # The chattier the speaker (extraversion), the likelier a closing word of their own.
        extraversion = float(request.personality.get("extraversion", 0.5))
        if len(sentences) < MAX_SENTENCES and rng.random() < 0.35 + 0.5 * extraversion:
            closers = SPECTRA_CLOSERS if spectra else NPC_CLOSERS
            goal_closers = SPECTRA_GOAL_CLOSERS if spectra else NPC_GOAL_CLOSERS
            pool = closers + (goal_closers * 2 if goal else ())
            sentences.append(rng.choice(pool).format(**fill))

        def render() -> str:
            return " ".join(_sentence(part, capitalise=not part.startswith(listener)) for part in sentences)

        text = render()
        while len(text) > REPLY_MAX_CHARS and len(sentences) > 1:
            sentences.pop()  # whole sentences from the end (closing words first) before cutting one
            text = render()
        return _cap(text)


# --- An OpenAI-compatible chat-completions API -------------------------------------------


def system_prompt(request: DialogueRequest) -> str:
    """Who the model plays, how they feel, what they remember, and how to answer."""
    who = (
        "Spectra, a being of living, refracted light whose moods colour the world around her"
        if request.speaker_kind == "spectra"
        else f"{request.speaker_name}, an inhabitant of the world"
    )
    lines = [
        f"You are {who}, in Htrae, a persistent living world.",
        f"Who you are: {request.persona.strip() or request.speaker_name}",
    ]
    if request.personality:
        traits = ", ".join(f"{trait} {float(score):.2f}" for trait, score in sorted(request.personality.items()))
        lines.append(f"Your personality (Big Five, 0 to 1): {traits}.")
    if request.goals:
        lines.append("What you strive for: " + "; ".join(goal.rstrip(".") for goal in request.goals) + ".")
    lines.append(f"Your mood right now: {request.mood or 'calm'}. Let it show in how you speak.")
    if request.location_name:
        lines.append(f"You are at {request.location_name}.")
    if request.beliefs:
        lines.append("What you have come to believe about what was said (voice it if it fits):")
        lines += [f"- {_cap(belief, 300)}" for belief in request.beliefs]
    if request.memories:
        lines.append("What you remember, most important first:")
        lines += [f"- {_cap(memory, 300)}" for memory in request.memories]
    if request.speaker_kind == "spectra":
        lines.append("You speak lyrically, of light and colour.")
    lines.append(
        f"{request.listener_name or 'A traveller'} has just spoken to you. Stay in character as "
        f"{request.speaker_name}; never mention being an AI or a model. Answer in at most 3 sentences, "
        "as spoken words only: no stage directions, no quotation marks, no name prefix."
    )
    return "\n".join(lines)


class DialogueProviderError(Exception):
    """The API did not give a usable answer."""


@dataclass(frozen=True)
class OpenAICompatibleProvider:
    """Replies from an OpenAI-compatible `/chat/completions` endpoint; falls back on failure."""

    base_url: str
    model: str
    api_key: str = ""
    timeout_seconds: float = 8.0
    fallback: DialogueProvider = field(default_factory=OfflineDialogueProvider)
    name: str = "openai-compatible"

    def reply(self, request: DialogueRequest) -> str:
        try:
            text = self._complete(request)
        except Exception as error:  # whatever went wrong, the player still gets an answer
            logger.warning(
                "dialogue provider at %s failed (%s: %s); replying offline",
                self.base_url,
                type(error).__name__,
                error,
            )
            return self.fallback.reply(request)
        return text

    def payload(self, request: DialogueRequest) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system_prompt(request)},
                {"role": "user", "content": request.heard},
            ],
            "max_tokens": 200,
            "temperature": 0.8,
        }

    def _complete(self, request: DialogueRequest) -> str:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = f"{self.base_url.rstrip('/')}/chat/completions"
        # httpx's timeout bounds each step (connect, each read); the deadline bounds the whole
        # call, so a server trickling bytes can't hold a worker past it either.
        deadline = time.monotonic() + self.timeout_seconds
        body = bytearray()
        with httpx.stream(
            "POST", url, json=self.payload(request), headers=headers, timeout=self.timeout_seconds
        ) as response:
            if not response.is_success:
                raise DialogueProviderError(f"HTTP {response.status_code}")
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > RESPONSE_MAX_BYTES:
                    raise DialogueProviderError("response too large")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {self.timeout_seconds} s")
        return self._text(json.loads(body), request)

    @staticmethod
    def _text(data: Any, request: DialogueRequest) -> str:
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise DialogueProviderError("no choices[0].message.content in the answer") from error
        if not isinstance(content, str):
            raise DialogueProviderError("the answer's content is not text")
        text = content.strip()
        # Models sometimes prefix their name or wrap the line in quotes despite being asked not to.
        prefix = f"{request.speaker_name}:"
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix) :].strip()
        if len(text) > 1 and text[0] in '"“' and text[-1] in '"”':
            text = text[1:-1].strip()
        if not text:
            raise DialogueProviderError("the answer is empty")
        return _cap(text)


def dialogue_provider_get() -> DialogueProvider:
    """The configured provider: the API when DIALOGUE_API_BASE is set (offline as fallback),
    else offline."""
    offline = OfflineDialogueProvider()
    if not settings.DIALOGUE_API_BASE:
        return offline
    return OpenAICompatibleProvider(
        base_url=settings.DIALOGUE_API_BASE,
        model=settings.DIALOGUE_MODEL,
        api_key=settings.DIALOGUE_API_KEY,
        timeout_seconds=settings.DIALOGUE_TIMEOUT_SECONDS,
        fallback=offline,
    )

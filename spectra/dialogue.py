"""Dialogue: what Spectra or an NPC says back when a player speaks to them.

Who answers (`spectra.dialogue_subscribers`): every line a player says (`PLAYER_SPOKE`) gets at
most one answer. The NPC at the place whose first or full name the player said answers
(case-insensitive, whole words); otherwise Spectra, if she is at the place; otherwise nobody. The
answer is made after the player's action commits, off the tick and off the request path
(`htrae.background`): by a Celery worker in served mode, on the server's event loop in a worker
thread under `manage.py serve`, inline elsewhere (tests, management commands).
`spectra.replies.reply_to_player` loads what the speaker knows and the conversation so far
(`spectra.dialogue_selectors`), asks the provider for the words, then publishes them as
`SPECTRA_TALKED` / `NPC_TALKED` with the player as listener, so they reach the place as a
`chat_message` and join the conversation.

Where the words come from, a `DialogueProvider`:

- `OfflineDialogueProvider` (the default): no model, no network. It understands the line
  (`spectra.understanding`) and answers it from the speaker's knowledge in its voice
  (`spectra.answers`). Seeded: the same request gives the same words.
- `OpenAICompatibleProvider`: any server speaking OpenAI's chat-completions API (OpenAI,
  a local llama.cpp / vLLM / Ollama, ...), given the same knowledge in its system prompt and
  the conversation so far as messages. If it is slow, down or answers nonsense, the reply
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
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx
from django.conf import settings

from spectra.answers import REPLY_MAX_CHARS, compose_reply
from spectra.emotion import MOODS
from spectra.knowledge import Knowledge, Turn
from spectra.prompt import knowledge_lines

# The mood tables, where the mood-table test and older callers look for them.
from spectra.voices import NPC_FEELINGS, NPC_OPENERS, SPECTRA_COLOURS, SPECTRA_FEELINGS, SPECTRA_OPENERS

__all__ = [
    "MOODS",
    "NPC_FEELINGS",
    "NPC_OPENERS",
    "REPLY_MAX_CHARS",
    "SPECTRA_COLOURS",
    "SPECTRA_FEELINGS",
    "SPECTRA_OPENERS",
    "DialogueProvider",
    "DialogueRequest",
    "OfflineDialogueProvider",
    "OpenAICompatibleProvider",
    "dialogue_provider_get",
    "system_prompt",
]

logger = logging.getLogger(__name__)

RESPONSE_MAX_BYTES = 256 * 1024  # a chat completion of 200 tokens is a few KiB
SPEAKER_KINDS = ("spectra", "npc")
HISTORY_MESSAGES = 8  # the conversation so far, as the model sees it


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
    seed: int = 0  # the world's seed plus the tick
    beliefs: tuple[str, ...] = ()  # what the speaker has come to believe about what was said
    listener_id: int = 0
    request_id: str = ""  # the player's request id for the line: varies the words
    knowledge: Knowledge = field(default_factory=Knowledge)
    history: tuple[Turn, ...] = ()  # the conversation so far between them, oldest first
    # The words of the offline composer's phrases (the grammar "replies" in force); None: shipped.
    voices_rules: Mapping[str, tuple[str, ...]] | None = None


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


class OfflineDialogueProvider:
    """Answers from the speaker's knowledge, in its voice, with no model (`spectra.answers`);
    seeded by the request, so the same request gives the same words."""

    name = "offline"

    def reply(self, request: DialogueRequest) -> str:
        return compose_reply(request)


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
    lines += knowledge_lines(request.knowledge, speaker_id=request.speaker_id, listener_id=request.listener_id)
    if request.speaker_kind == "spectra":
        lines.append("You speak lyrically, of light and colour.")
    lines.append(
        f"{request.listener_name or 'A traveller'} has just spoken to you. Stay in character as "
        f"{request.speaker_name}; never mention being an AI or a model. Answer in at most 3 sentences, "
        "as spoken words only: no stage directions, no quotation marks, no name prefix. Answer what was "
        "asked from what you know; do not repeat the traveller's words back; if you do not know, say so."
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
                *(
                    {"role": "user" if turn.by_player else "assistant", "content": turn.text}
                    for turn in request.history[-HISTORY_MESSAGES:]
                ),
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

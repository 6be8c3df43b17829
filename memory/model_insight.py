"""Insights from a language model, the way Generative Agents reflects: from a character's
recent memories (numbered), ask the model for the most salient questions they raise, then
for insights that answer them, each citing the memories it rests on
("Oren can be trusted (because of 1, 5, 3)").

Only with `DIALOGUE_API_BASE` set (an OpenAI-compatible chat-completions API, the one
dialogue uses). It never runs in the tick: the memory tick phase reflects offline
(`memory.reflection`), then, after the tick commits, queues at most
`MEMORY_MODEL_INSIGHTS_PER_TICK` of the characters who reflected as background mind work
(`htrae.background`; `memory.tasks.model_insights`). There the model is asked outside any
transaction (it may take seconds); the answers are parsed strictly (an insight citing no
memory, or only numbers outside the list, is dropped; so are the out-of-range numbers of
the others), and what is left is stored as reflections and beliefs with `origin=model`
under `world.locks.mind_writer` (the world shared, then the minds), revising the offline
beliefs on the same subjects. A model that is down, slow or talks nonsense leaves the
offline reflection standing: that is the fallback.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from htrae.text import mentions
from memory import insight
from memory.models import Belief
from memory.reflection import beliefs_held, beliefs_store, insight_records_load
from world.locks import mind_writer, retrying
from world.models import Character
from world.selectors import world_now_get

logger = logging.getLogger(__name__)

MEMORIES_SHOWN = 30  # numbered 1..30 in the prompt, newest first
QUESTIONS = 3
INSIGHTS = 5
INSIGHT_MAX_CHARS = 300
RESPONSE_MAX_BYTES = 128 * 1024
_CITED = re.compile(r"^\s*(?:[-*•]\s*|\d+[.)]\s*)?(?P<text>.+?)\s*\(\s*because of\s+(?P<refs>[^)]*)\)\s*\.?\s*$", re.I)


class ModelAnswerError(Exception):
    """The model gave no usable answer."""


@dataclass(frozen=True)
class ModelInsight:
    text: str
    citations: tuple[int, ...]  # memory ids


def parse_questions(answer: str, *, limit: int = QUESTIONS) -> list[str]:
    """The questions in the model's answer, one per line (numbering and bullets removed)."""
    questions = []
    for line in answer.splitlines():
        text = re.sub(r"^\s*(?:[-*•]\s*|\d+[.)]\s*)", "", line).strip()
        if text.endswith("?") and len(text) > 5:
            questions.append(text[:INSIGHT_MAX_CHARS])
    return questions[:limit]


def parse_insights(answer: str, *, numbered_ids: Sequence[int], limit: int = INSIGHTS) -> list[ModelInsight]:
    """The insights of the model's answer with their citations turned into memory ids.

    Strict: a line must end with "(because of 1, 5, 3)"; numbers outside 1..len(numbered_ids)
    are dropped, and a line left citing nothing is dropped."""
    found = []
    for line in answer.splitlines():
        match = _CITED.match(line)
        if match is None:
            continue
        text = " ".join(match.group("text").split()).strip(" \"'“”")
        refs = [int(ref) for ref in re.findall(r"\d+", match.group("refs"))]
        cited = tuple(dict.fromkeys(numbered_ids[ref - 1] for ref in refs if 1 <= ref <= len(numbered_ids)))
        if not text or not cited or len(text) > INSIGHT_MAX_CHARS:
            continue
        found.append(ModelInsight(text=text if text[-1] in ".!?" else f"{text}.", citations=cited))
    return found[:limit]


# Stances a model insight takes by how its cited memories felt (`insight` measures them).
_POSITIVE = {
    insight.PERSON: "trust",
    insight.FACTION: "trust",
    insight.PLACE: "fondness",
    insight.OBJECT: "fascination",
}
_NEGATIVE = {insight.PERSON: "distrust", insight.FACTION: "suspicion", insight.PLACE: "fear", insight.OBJECT: "unease"}


def insight_draft(found: ModelInsight, records: Sequence[insight.MemoryRecord]) -> insight.BeliefDraft | None:
    """A belief from a model insight: its subject is the one of its cited memories that its
    words name (the most cited first); its stance follows how those memories felt. None
    when the insight names none of them (it stays a reflection, with no belief)."""
    by_id = {record.id: record for record in records}
    cited = [by_id[memory_id] for memory_id in found.citations if memory_id in by_id]
    counts: dict[str, tuple[insight.Subject, int]] = {}
    for record in cited:
        for subject in (record.person, record.faction, record.place, record.object, *record.topics):
            if subject is not None and mentions(
                found.text, subject.name.split()[0] if subject.kind == insight.PERSON else subject.name
            ):
                counts[subject.key] = (subject, counts.get(subject.key, (subject, 0))[1] + 1)
    if not counts:
        return None
    subject = sorted(counts.values(), key=lambda item: (-item[1], item[0].key))[0][0]
    _, evidence = insight.draw_beliefs(cited, patterns=())
    measured = evidence.get(subject.key)
    valence = measured.valence if measured else 0.0
    if subject.kind == insight.TOPIC:
        stance = "interest"
    elif valence >= 0.1:
        stance = _POSITIVE[subject.kind]
    elif valence <= -0.1:
        stance = _NEGATIVE[subject.kind]
    else:
        stance = "insight"
    return insight.BeliefDraft(
        subject=subject,
        stance=stance,
        valence=valence,
        confidence=round(min(0.9, 0.4 + 0.1 * len(found.citations)), 3),
        statement=found.text,
        citations=found.citations,
        pattern="model",
    )


def chat(messages: list[dict[str, str]], *, max_tokens: int = 400) -> str:
    """One chat completion from the configured API; raises on any failure. Bounded in time
    (DIALOGUE_TIMEOUT_SECONDS for the whole call) and size."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.DIALOGUE_API_KEY:
        headers["Authorization"] = f"Bearer {settings.DIALOGUE_API_KEY}"
    timeout = settings.DIALOGUE_TIMEOUT_SECONDS
    payload = {"model": settings.DIALOGUE_MODEL, "messages": messages, "max_tokens": max_tokens, "temperature": 0.3}
    deadline = time.monotonic() + timeout
    body = bytearray()
    url = f"{settings.DIALOGUE_API_BASE.rstrip('/')}/chat/completions"
    with httpx.stream("POST", url, json=payload, headers=headers, timeout=timeout) as response:
        if not response.is_success:
            raise ModelAnswerError(f"HTTP {response.status_code}")
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > RESPONSE_MAX_BYTES:
                raise ModelAnswerError("response too large")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete answer within {timeout} s")
    data: Any = json.loads(body)
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise ModelAnswerError("no choices[0].message.content") from error
    if not isinstance(content, str) or not content.strip():
        raise ModelAnswerError("empty answer")
    return content


def ask_for_insights(*, name: str, statements: Sequence[str], numbered_ids: Sequence[int]) -> list[ModelInsight]:
    """Generative Agents' two steps: salient questions, then insights citing statements."""
    listing = "\n".join(f"{number}. {text}" for number, text in enumerate(statements, start=1))
    system = {"role": "system", "content": f"You reflect for {name}, a character of Htrae, in the first person."}
    asked = chat(
        [
            system,
            {
                "role": "user",
                "content": f"{listing}\n\nGiven only the information above, what are the {QUESTIONS} most salient "
                "high-level questions we can answer about the subjects in the statements? One per line.",
            },
        ],
        max_tokens=200,
    )
    questions = parse_questions(asked)
    if not questions:
        raise ModelAnswerError("no questions in the answer")
    answer = chat(
        [
            system,
            {
                "role": "user",
                "content": f"Statements about {name}:\n{listing}\n\nQuestions: " + " ".join(questions) + "\n\n"
                f"What {INSIGHTS} high-level insights can you infer from the above statements, in {name}'s own "
                "words? One per line, in the format: insight (because of 1, 5, 3)",
            },
        ]
    )
    return parse_insights(answer, numbered_ids=numbered_ids)


def model_insights_run(*, character_ids: list[int], tick: int) -> int:
    """Ask the model for these characters' insights and store them; returns how many beliefs
    or reflections were stored. A character whose model call fails keeps its offline
    reflection (logged)."""
    character_ids = sorted(character_ids)[: max(0, settings.MEMORY_MODEL_INSIGHTS_PER_TICK)]
    if not settings.DIALOGUE_API_BASE or not character_ids:
        return 0
    names = dict(Character.objects.filter(id__in=character_ids).values_list("id", "name"))
    records, _ = insight_records_load(character_ids=character_ids, before_tick=tick + 1, window=MEMORIES_SHOWN)
    answers: dict[int, tuple[list[insight.MemoryRecord], list[ModelInsight]]] = {}
    for character_id in character_ids:
        mine = records.get(character_id, [])
        if not mine or character_id not in names:
            continue
        try:
            found = ask_for_insights(
                name=names[character_id], statements=[r.content for r in mine], numbered_ids=[r.id for r in mine]
            )
        except Exception as error:  # the offline reflection stands
            logger.warning("model insights for character %s failed (%s: %s)", character_id, type(error).__name__, error)
            continue
        if found:
            answers[character_id] = (mine, found)
        else:
            logger.warning("model insights for character %s cited nothing usable; kept the offline one", character_id)
    if not answers:
        return 0
    return retrying(lambda: _store(answers, tick=tick), what="model insights")


def _store(answers: dict[int, tuple[list[insight.MemoryRecord], list[ModelInsight]]], *, tick: int) -> int:
    with mind_writer():
        # Read what is held now, inside the lock: a later tick may have revised it meanwhile.
        held = beliefs_held(character_ids=sorted(answers))
        planned = []
        for character_id, (records, found) in sorted(answers.items()):
            drafts, loose, taken = [], [], set()
            for item in found:
                draft = insight_draft(item, records)
                if draft is None or draft.subject.key in taken:
                    loose.append(item)
                else:
                    taken.add(draft.subject.key)
                    drafts.append(draft)
            for revision in insight.revise(held.get(character_id, {}), drafts, {}, require_new_citations=False):
                planned.append((character_id, revision.draft.statement, revision.draft.citations, revision))
            planned += [(character_id, item.text, item.citations, None) for item in loose]
        beliefs_store(planned=planned, tick=tick, world_time=world_now_get().world_time, origin=Belief.Origin.MODEL)
    return len(planned)

"""Insights from a language model (memory.model_insight), against a fake chat-completions
server on loopback: questions, then insights with strict citations, within a budget per
tick, after the tick, with the offline reflection standing when the model fails."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from htrae.vocabulary import EventType
from memory import model_insight, services
from memory.models import Belief, Memory
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, WorldClockFactory
from world.models import GameEvent
from world.tick import TickContext

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)


class FakeModel:
    """Answers the questions prompt with `questions`, the insights prompt with `insights`;
    `status` other than 200 fails every call."""

    def __init__(self) -> None:
        self.questions = "1. What does Mira think of Oren?\n2. Is the market safe?"
        self.insights = ""
        self.status = 200
        self.prompts: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                prompt = body["messages"][-1]["content"]
                fake.prompts.append(prompt)
                content = fake.insights if "insights" in prompt else fake.questions
                reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def model(settings):
    fake = FakeModel()
    settings.DIALOGUE_API_BASE = fake.base_url
    settings.DIALOGUE_TIMEOUT_SECONDS = 5
    settings.MEMORY_MODEL_INSIGHTS_PER_TICK = 1
    settings.MEMORY_REFLECTION_THRESHOLD = 10
    yield fake
    fake.close()


def test_parsing_is_strict_about_citations():
    ids = [501, 502, 503]
    answer = "\n".join(
        [
            "1. Oren can be trusted (because of 1, 3)",
            "2. The market hides something (because of 7, 9)",  # all out of range: dropped
            "3. I feel watched",  # no citation: dropped
            "- Nessa is kind (because of 2, 2, 0, 4)",  # 0 and 4 dropped, 2 kept once
            "Something (because of one, two)",  # no numbers: dropped
        ]
    )
    found = model_insight.parse_insights(answer, numbered_ids=ids)
    assert [(f.text, f.citations) for f in found] == [
        ("Oren can be trusted.", (501, 503)),
        ("Nessa is kind.", (502,)),
    ]
    assert model_insight.parse_questions("1. Who?\nnot a question\n- Why is the sky green?") == [
        "Why is the sky green?"
    ]


def _dealings(me, other, place, n=3):
    made = []
    for _ in range(n):
        event = GameEvent.objects.create(
            type=EventType.NPC_TALKED, tick=1, location_id=place.id, actor_id=other.id,
            payload={"actor_id": other.id, "actor_name": other.name, "listener_id": me.id},
        )  # fmt: skip
        made.append(
            MemoryFactory(
                character=me,
                content=f"{other.name} said to me: “Good day.”",
                importance_score=4,
                feeling="calm",
                tone="joy",
                tick=1,
                source_event=event,
            )
        )
    return made


def test_the_tick_reflects_offline_then_the_model_revises_after_commit_within_the_budget(
    model, django_capture_on_commit_callbacks
):
    WorldClockFactory(world_time=NOON, tick=1)
    market = LocationFactory(name="The Glass Market")
    mira, tam = CharacterFactory(name="Mira", location=market), CharacterFactory(name="Tam", location=market)
    oren = CharacterFactory(name="Oren Vael", location=market)
    cited = _dealings(mira, oren, market)
    _dealings(tam, oren, market)
    model.insights = (
        "Oren Vael has been a true friend to me (because of 1, 2)\n"
        "The market is a place of many voices (because of 3)\n"
        "Nothing cited here\n"
        "I dream of glass (because of 99)"
    )
    events = tuple(
        GameEvent.objects.create(type=EventType.NPC_CREATED, tick=2, location_id=market.id, actor_id=who.id)
        for who in (mira, tam)
    )
    context = TickContext(tick=2, seed=1, world_time=NOON, previous_world_time=NOON, events=events)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.memory_tick(context)
        assert model.prompts == []  # the tick itself asks nothing of the model
    # The tick reflected offline for both.
    offline = Belief.objects.filter(origin="offline", is_current=True)
    assert {(b.character.name, b.stance) for b in offline if b.subject_kind == "person"} >= {
        ("Mira", "trust"),
        ("Tam", "trust"),
    }
    for callback in callbacks:  # after commit: the background work (inline in tests)
        callback()

    # Budget 1: only the first who reflected (Mira) was asked, questions then insights.
    assert len(model.prompts) == 2 and "salient high-level questions" in model.prompts[0]
    assert "(because of 1, 5, 3)" in model.prompts[1] and "Mira" in model.prompts[1]
    numbered = model.prompts[1]
    revised = Belief.objects.get(character=mira, subject_kind="person", is_current=True)
    assert revised.origin == "model" and revised.statement == "Oren Vael has been a true friend to me."
    assert revised.stance == "trust" and revised.previous.origin == "offline"
    # The model's numbers are the memories it was shown, newest first.
    shown = [line.split(". ", 1)[1] for line in numbered.splitlines() if line[:2].rstrip(".").isdigit()]
    assert len(shown) == Memory.objects.filter(character=mira).exclude(type="reflection").count()
    newest_first = sorted(Memory.objects.filter(character=mira).exclude(type="reflection").values_list("id", flat=True))
    newest_first.reverse()
    assert revised.cited_memory_ids == newest_first[:2]  # "because of 1, 2"
    assert cited[-1].id in revised.cited_memory_ids
    assert set(revised.reflection.sources.values_list("id", flat=True)) == set(revised.cited_memory_ids)
    # An insight naming no subject of its memories stays a reflection, citing its memory.
    loose = Memory.objects.get(character=mira, content="The market is a place of many voices.")
    assert loose.type == "reflection" and loose.sources.count() == 1
    assert not Memory.objects.filter(content__contains="dream of glass").exists()
    assert not Belief.objects.filter(character=tam, origin="model").exists()


@pytest.mark.parametrize("failure", ["down", "nonsense"])
def test_a_failing_model_leaves_the_offline_reflection(model, failure):
    WorldClockFactory(world_time=NOON, tick=1)
    market = LocationFactory()
    mira, oren = CharacterFactory(name="Mira", location=market), CharacterFactory(name="Oren", location=market)
    _dealings(mira, oren, market)
    services.memories_reflect(tick=2, world_time=NOON)
    before = list(Belief.objects.values_list("id", "statement", "is_current"))
    if failure == "down":
        model.status = 503
    else:
        model.insights = "Oren is lovely.\nI like the market."  # cites nothing

    assert model_insight.model_insights_run(character_ids=[mira.id], tick=2) == 0

    assert list(Belief.objects.values_list("id", "statement", "is_current")) == before
    assert before and Belief.objects.get().origin == "offline"


def test_without_a_model_nothing_is_queued(settings, django_capture_on_commit_callbacks):
    settings.DIALOGUE_API_BASE = ""
    settings.MEMORY_REFLECTION_THRESHOLD = 10
    WorldClockFactory(world_time=NOON, tick=1)
    market = LocationFactory()
    mira, oren = CharacterFactory(location=market), CharacterFactory(location=market)
    _dealings(mira, oren, market)
    event = GameEvent.objects.create(type=EventType.NPC_CREATED, tick=2, location_id=market.id, actor_id=mira.id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.memory_tick(TickContext(tick=2, seed=1, world_time=NOON, previous_world_time=NOON, events=(event,)))
    assert callbacks == [] and Belief.objects.exists()

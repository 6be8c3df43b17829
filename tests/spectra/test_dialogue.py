"""Dialogue: the providers (offline and an OpenAI-compatible API, against a fake server on
loopback), who answers a player, the reply's event, the background dispatch, and the whole
path through the real WebSocket."""

import asyncio
import json
import logging
import re
import socket
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from htrae import background
from htrae.asgi import application
from htrae.vocabulary import EventType
from narrative.models import ConversationMessage
from spectra import tasks
from spectra.dialogue import (
    MOODS,
    REPLY_MAX_CHARS,
    DialogueRequest,
    OfflineDialogueProvider,
    OpenAICompatibleProvider,
    dialogue_provider_get,
)
from spectra.dialogue_subscribers import answer_players
from spectra.knowledge import Knowledge, PersonFact, PlaceFact, Turn
from spectra.replies import REPLY_MEMORIES, reply_to_player, speaker_memories
from spectra.voices import NPC_DONT_KNOW, NPC_MOOD_STATES, SPECTRA_MOOD_STATES
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, PlayerFactory, WorldClockFactory
from world import tasks as world_tasks
from world.events import publish
from world.models import Character, GameEvent, WorldClock
from world.services import player_action_apply

SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
TOWN = Knowledge(
    speaker_id=7,
    speaker_place_id=1,
    places=(
        PlaceFact(1, "The Sunspire", "Luminous Heights", "The white tower of the Luminari."),
        PlaceFact(2, "The Glass Market", "Lanternfall", "Stalls of blown glass, lenses and clockwork crowd an arcade."),
    ),
    people=(PersonFact(9, "Tamsin Quill", description="A young astronomer at the Dawnwatch.", place_id=1),),
)


def a_request(**changes) -> DialogueRequest:
    fields = {
        "speaker_id": 7,
        "speaker_name": "Oren Vael",
        "speaker_kind": "npc",
        "persona": "Lamp-warden of the Sunspire, a careful man with soot on his cuffs.",
        "personality": {"openness": 0.4, "extraversion": 0.3},
        "goals": ("Understand why the lamps dim with Spectra's sorrow",),
        "mood": "calm",
        "listener_name": "wren",
        "heard": "What do you know about the lighthouse keepers?",
        "location_name": "Sunspire",
        "memories": (),
        "seed": 11,
    }
    return DialogueRequest(**{**fields, **changes})


def spectra_request(**changes) -> DialogueRequest:
    spectra = {
        "speaker_id": 1,
        "speaker_name": "Spectra",
        "speaker_kind": "spectra",
        "persona": "A slender figure of living, refracted light.",
        "goals": ("Find the heart of the broken Sun-Prism",),
        "mood": "wonder",
    }
    return a_request(**{**spectra, **changes})


offline = OfflineDialogueProvider()


# --- The offline provider --------------------------------------------------------------------


def test_the_same_request_gives_the_same_words():
    request = a_request(memories=("The lamps dimmed when Spectra wept.",))

    assert offline.reply(request) == OfflineDialogueProvider().reply(request) == offline.reply(request)


def test_replies_vary_with_the_seed_the_mood_and_what_was_heard():
    heard = ("Where is the Glass Market?", "hello", "How are you?", "Who is Tamsin Quill?")
    requests = [
        a_request(seed=seed, mood=MOODS[seed % len(MOODS)], heard=heard[seed % len(heard)], knowledge=TOWN)
        for seed in range(30)
    ]

    replies = {offline.reply(request) for request in requests}

    assert len(replies) >= 20
    assert len({offline.reply(a_request(seed=seed, heard="hello")) for seed in range(30)}) >= 8  # the seed alone


@pytest.mark.parametrize("voice", ["npc", "spectra"])
def test_the_mood_shows_in_the_words(voice):
    states = SPECTRA_MOOD_STATES if voice == "spectra" else NPC_MOOD_STATES
    build = spectra_request if voice == "spectra" else a_request
    for seed in range(10):
        sad = offline.reply(build(seed=seed, mood="melancholy", heard="How are you?"))
        glad = offline.reply(build(seed=seed, mood="joy", heard="How are you?"))

        assert sad != glad
        assert any(state in sad for state in states["melancholy"]), sad
        assert not any(state in sad for state in states["joy"]), sad
        assert any(state in glad for state in states["joy"]), glad


def test_an_unknown_mood_reads_as_calm():
    assert offline.reply(a_request(mood="grumpy")) == offline.reply(a_request(mood="calm"))


def test_a_memory_is_woven_in():
    memory = "The lamps dimmed when Spectra wept at the Commons."
    for seed in range(10):
        reply = offline.reply(a_request(seed=seed, heard="Nice evening, isn't it.", memories=(memory,)))
        assert "the lamps dimmed when Spectra wept at the Commons" in reply, reply
        asked = offline.reply(a_request(seed=seed, heard="What happened to the lamps?", memories=(memory,)))
        assert "the lamps dimmed when Spectra wept at the Commons" in asked, asked


def test_what_the_player_asked_about_is_answered_not_said_back():
    replies = [offline.reply(a_request(seed=seed)) for seed in range(10)]
    assert not any("lighthouse keepers" in reply for reply in replies)  # unknown: no keyword lifted
    assert all(any(phrase in reply for phrase in NPC_DONT_KNOW) for reply in replies), replies

    named = [
        offline.reply(a_request(seed=seed, heard="Oren, have you been to the Glass Market?", knowledge=TOWN))
        for seed in range(5)
    ]
    assert all("Stalls of blown glass" in reply for reply in named), named
    assert not any("have you been" in reply.lower() for reply in named)


def test_goals_are_quoted_only_when_they_read_right_in_the_first_person():
    chatty = {"extraversion": 1.0}
    about_her = "Make a friend who neither fears her nor wants to own her"
    mine = "Find the heart of the broken Sun-Prism"

    for seed in range(20):
        request = spectra_request(seed=seed, goals=(about_her,), personality=chatty, heard="How are you?")
        assert "fears her" not in offline.reply(request)
    quoted = [
        offline.reply(spectra_request(seed=seed, goals=(mine,), personality=chatty, heard="How are you?"))
        for seed in range(20)
    ]
    assert any("find the heart of the broken Sun-Prism" in reply for reply in quoted)


def test_spectra_speaks_of_light_and_colour_and_npcs_do_not_sound_like_her():
    light = re.compile(
        r"light|colou?r|glow|shin|lantern|bright|prism|shimmer|rainbow|blaz|spark|flicker|refract|glitter"
    )
    for seed in range(20):
        hers = offline.reply(spectra_request(seed=seed, heard="hello"))
        his = offline.reply(a_request(seed=seed, heard="hello"))
        assert light.search(hers), hers
        assert hers != his


def test_replies_are_one_to_three_sentences_within_the_cap():
    long = "unfathomably " * 40
    for seed in range(40):
        request = a_request(
            seed=seed,
            mood=MOODS[seed % len(MOODS)],
            speaker_kind="spectra" if seed % 2 else "npc",
            heard=("Tell me of the " + long)[:500],
            memories=("I remember " + long + ". And then more.",),
            goals=("Find " + long,),
            persona=long,
            personality={"extraversion": 1.0},
        )
        reply = offline.reply(request)
        assert 0 < len(reply) <= REPLY_MAX_CHARS
        assert 1 <= len(SENTENCE_END.findall(reply)) <= 3, reply
    for heard in ("hi", "?", "..."):
        assert 1 <= len(SENTENCE_END.findall(offline.reply(a_request(heard=heard, memories=())))) <= 3


def test_the_provider_is_offline_unless_an_api_is_configured(settings):
    settings.DIALOGUE_API_BASE = ""
    assert dialogue_provider_get().name == "offline"

    settings.DIALOGUE_API_BASE = "http://127.0.0.1:9/v1"
    settings.DIALOGUE_MODEL = "tiny"
    settings.DIALOGUE_API_KEY = "sk-x"
    settings.DIALOGUE_TIMEOUT_SECONDS = 2.5
    provider = dialogue_provider_get()
    assert isinstance(provider, OpenAICompatibleProvider)
    assert (provider.base_url, provider.model, provider.api_key, provider.timeout_seconds) == (
        "http://127.0.0.1:9/v1",
        "tiny",
        "sk-x",
        2.5,
    )
    assert isinstance(provider.fallback, OfflineDialogueProvider)


# --- An OpenAI-compatible API (a fake server on loopback) ----------------------------------


class FakeApi:
    """A chat-completions server whose behaviour each test sets: `mode`, `answer`."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer = "The lanterns remember you."
        self.requests: list[dict] = []
        self.stopping = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                if fake.mode == "slow":
                    fake.stopping.wait(3)
                status, reply = fake.response()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:  # the client gave up (the slow case)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def response(self) -> tuple[int, bytes]:
        completion = {"choices": [{"index": 0, "message": {"role": "assistant", "content": self.answer}}]}
        return {
            "ok": (200, json.dumps(completion).encode()),
            "slow": (200, json.dumps(completion).encode()),
            "error": (500, b'{"error": {"message": "overloaded"}}'),
            "malformed": (200, b'{"choices": [ this is not json'),
            "no_choices": (200, b'{"choices": []}'),
            "empty": (200, json.dumps({"choices": [{"message": {"content": "   "}}]}).encode()),
            "not_text": (200, json.dumps({"choices": [{"message": {"content": None}}]}).encode()),
        }[self.mode]

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_api():
    api = FakeApi()
    yield api
    api.close()


class Canned:
    name = "canned"

    def reply(self, request):
        return "FALLBACK"


def test_the_api_answers_in_character(fake_api):
    provider = OpenAICompatibleProvider(
        base_url=fake_api.base_url, model="test-model", api_key="sk-test", timeout_seconds=5, fallback=Canned()
    )
    request = spectra_request(memories=("I woke among the shards of Aurel.",), mood="melancholy")
    fake_api.answer = '  "The lanterns remember you."  '

    assert provider.reply(request) == "The lanterns remember you."

    (sent,) = fake_api.requests
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == "Bearer sk-test"
    body = sent["json"]
    assert body["model"] == "test-model" and body["max_tokens"] == 200 and body["temperature"] == 0.8
    system, user = body["messages"]
    assert user == {"role": "user", "content": request.heard}
    assert system["role"] == "system"
    for expected in ("A slender figure of living, refracted light.", "melancholy", "shards of Aurel", "3 sentences"):
        assert expected in system["content"]


def test_the_api_gets_the_same_knowledge_and_the_conversation_so_far(fake_api):
    provider = OpenAICompatibleProvider(base_url=fake_api.base_url, model="m", timeout_seconds=5, fallback=Canned())
    history = (Turn(True, "Hello!"), Turn(False, "Well met, wren."))
    town = replace(TOWN, present=(next(person.id for person in TOWN.people if person.name == "Tamsin Quill"),))
    request = a_request(heard="Where is the Glass Market?", knowledge=replace(town, present_count=3), history=history)

    provider.reply(request)

    system, *turns = fake_api.requests[0]["json"]["messages"]
    for known in (
        "The Glass Market (Lanternfall",
        "Tamsin Quill: a young astronomer",
        "Here with you now: Tamsin Quill and 2 more.",
        "do not repeat",
    ):
        assert known in system["content"], system["content"]
    assert turns == [
        {"role": "user", "content": "Hello!"},
        {"role": "assistant", "content": "Well met, wren."},
        {"role": "user", "content": "Where is the Glass Market?"},
    ]


def test_no_key_no_authorization_and_long_answers_are_capped(fake_api):
    provider = OpenAICompatibleProvider(base_url=fake_api.base_url + "/", model="m", timeout_seconds=5)
    fake_api.answer = "Oren Vael: " + "word " * 200

    reply = provider.reply(a_request())

    assert "Authorization" not in fake_api.requests[0]["headers"]
    assert reply.startswith("word") and len(reply) <= REPLY_MAX_CHARS


def test_a_slow_api_times_out_into_the_fallback(fake_api, caplog):
    fake_api.mode = "slow"
    provider = OpenAICompatibleProvider(base_url=fake_api.base_url, model="m", timeout_seconds=0.3, fallback=Canned())

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="spectra.dialogue"):
        reply = provider.reply(a_request())

    assert reply == "FALLBACK"
    assert time.monotonic() - started < 1.0
    assert "replying offline" in caplog.text


@pytest.mark.parametrize("mode", ["error", "malformed", "no_choices", "empty", "not_text"])
def test_a_failing_api_falls_back(fake_api, mode, caplog):
    fake_api.mode = mode
    provider = OpenAICompatibleProvider(base_url=fake_api.base_url, model="m", timeout_seconds=5, fallback=Canned())

    with caplog.at_level(logging.WARNING, logger="spectra.dialogue"):
        assert provider.reply(a_request()) == "FALLBACK"
    assert "replying offline" in caplog.text


def test_a_refused_connection_falls_back_to_the_offline_words():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    provider = OpenAICompatibleProvider(base_url=f"http://127.0.0.1:{closed_port}/v1", model="m", timeout_seconds=2)
    request = a_request()

    assert provider.reply(request) == offline.reply(request)


# --- The world: who answers, and the reply's event ------------------------------------------


@pytest.fixture
def place(db, settings):
    """Ash: Spectra, Oren and the player wren. Birch: Tamsin Quill and Oren's brother Orenna."""
    settings.CELERY_BROKER_URL = "memory://"  # inline: no worker, no loop
    settings.DIALOGUE_API_BASE = ""  # offline, whatever a developer's .env says
    ash, birch = LocationFactory(name="Ash", slug="ash"), LocationFactory(name="Birch", slug="birch")
    WorldClockFactory(tick=4)
    spectra = CharacterFactory(
        name="Spectra",
        slug="spectra",
        kind=Character.Kind.SPECTRA,
        location=ash,
        description="A slender figure of living, refracted light.",
        emotional_state={"mood": "wonder"},
        goals=["Find the heart of the broken Sun-Prism"],
        personality={"openness": 0.95, "extraversion": 0.6},
    )
    oren = CharacterFactory(name="Oren Vael", location=ash, description="A lamp-warden.")
    tamsin = CharacterFactory(name="Tamsin Quill", location=birch, description="A young astronomer.")
    orenna = CharacterFactory(name="Orenna", location=birch)
    wren = PlayerFactory(name="wren", location=ash)
    return {
        "ash": ash,
        "birch": birch,
        "spectra": spectra,
        "oren": oren,
        "tamsin": tamsin,
        "orenna": orenna,
        "wren": wren,
    }


def talked():
    return list(GameEvent.objects.filter(type__in=[EventType.SPECTRA_TALKED, EventType.NPC_TALKED]))


def test_spectra_replies_to_the_player(place, django_capture_on_commit_callbacks):
    MemoryFactory(character=place["spectra"], content="I woke among the shards of Aurel.", importance_score=9)

    with django_capture_on_commit_callbacks(execute=True):
        event = reply_to_player(
            speaker_id=place["spectra"].id,
            player_id=place["wren"].id,
            heard="Spectra, what colour is the Glass Market tonight?",
            location_id=place["ash"].id,
            tick=4,
            in_reply_to=99,
        )

    assert talked() == [event]
    assert event.type == EventType.SPECTRA_TALKED and event.location_id == place["ash"].id and event.tick == 4
    payload = event.payload
    assert payload["actor_id"] == event.actor_id == place["spectra"].id
    assert (payload["actor_name"], payload["actor_kind"]) == ("Spectra", "spectra")
    assert (payload["listener_id"], payload["listener_name"]) == (place["wren"].id, "wren")
    assert payload["location_name"] == "Ash" and payload["tick"] == 4
    assert payload["in_reply_to"] == 99 and payload["provider"] == "offline"
    assert "woke among the shards of Aurel" in payload["text"]
    assert ConversationMessage.objects.get(speaker=place["spectra"]).text == payload["text"]


def test_the_same_moment_gives_the_same_reply(place):
    oren = place["oren"]
    remembered = ["the lamps dimmed at dusk", "a stranger asked for oil", "rain on the spire"]
    for index, content in enumerate(remembered):
        MemoryFactory(character=oren, content=f"{content.capitalize()}.", importance_score=3 + index)
    kwargs = {
        "speaker_id": oren.id,
        "player_id": place["wren"].id,
        "heard": "Oren, what of the lamps?",
        "location_id": place["ash"].id,
    }

    # Recalling refreshes what was recalled, so the world after a reply is not the world
    # before it: roll the first reply back to ask again of the very same world.
    before = transaction.savepoint()
    first = reply_to_player(**kwargs, tick=4)
    transaction.savepoint_rollback(before)
    again = reply_to_player(**kwargs, tick=4)
    later = {reply_to_player(**kwargs, tick=tick).payload["text"] for tick in range(5, 10)}

    assert first.payload["text"] == again.payload["text"]
    assert any(memory in first.payload["text"].lower() for memory in remembered)  # he drew on one
    assert first.type == EventType.NPC_TALKED
    assert later - {first.payload["text"]}  # another tick, another seed


@pytest.mark.parametrize("change", ["moved", "inactive", "player"])
def test_a_speaker_who_left_or_cannot_speak_stays_quiet(place, change):
    speaker = place["spectra"]
    if change == "moved":
        Character.objects.filter(pk=speaker.pk).update(location=place["birch"])
    elif change == "inactive":
        Character.objects.filter(pk=speaker.pk).update(is_active=False)
    else:
        speaker = PlayerFactory(location=place["ash"])

    result = reply_to_player(
        speaker_id=speaker.id, player_id=place["wren"].id, heard="Hello?", location_id=place["ash"].id, tick=4
    )

    assert result is None and talked() == []


def test_speaker_memories_are_recalled_by_relevance_recency_and_importance(place):
    from memory.models import Memory

    spectra, oren = place["spectra"], place["oren"]
    lighthouse = MemoryFactory(character=spectra, content="The lighthouse keeper taught me to read the tides.")
    lighthouse.importance_score = 3
    lighthouse.save()
    for index in range(6):  # more important than the lighthouse, and about something else
        MemoryFactory(
            character=spectra, content=f"The Glass Market sang {index} times.", importance_score=8 + index / 5
        )
    MemoryFactory(character=spectra, content="Bread at dawn.", importance_score=1)
    MemoryFactory(character=oren, content="The lighthouse burned.", importance_score=10)

    recalled = speaker_memories(speaker=spectra, heard="What do you know about the lighthouse?")

    assert len(recalled) == REPLY_MEMORIES
    assert recalled[0] == lighthouse.content  # relevance beats the more important but unrelated
    assert "The lighthouse burned." not in recalled  # only her own
    assert Memory.objects.get(id=lighthouse.id).last_accessed_world_at == WorldClock.objects.get().world_time


def test_a_reply_draws_on_the_memory_the_player_asked_about(place, monkeypatch):
    spectra = place["spectra"]
    # The offline composer draws on one of the first three memories (seeded): all three are
    # of the lighthouse, and less important than the five that importance alone would bring.
    lighthouse = [
        "The lighthouse went dark the night I woke.",
        "The lighthouse keeper sang to the gulls.",
        "Ships steered by the lighthouse at dusk.",
    ]
    for content in lighthouse:
        MemoryFactory(character=spectra, content=content, importance_score=3)
    for index in range(6):
        MemoryFactory(
            character=spectra, content=f"The Glass Market sang {index} times.", importance_score=8 + index / 5
        )
    MemoryFactory(character=spectra, content="Bread at dawn.", importance_score=1)
    asked: list[DialogueRequest] = []

    class Recording(OfflineDialogueProvider):
        def reply(self, request):
            asked.append(request)
            return super().reply(request)

    monkeypatch.setattr("spectra.replies.dialogue_provider_get", Recording)

    event = reply_to_player(
        speaker_id=spectra.id,
        player_id=place["wren"].id,
        heard="Spectra, what happened at the lighthouse?",
        location_id=place["ash"].id,
        tick=4,
    )

    (request,) = asked
    assert sorted(request.memories[:3]) == sorted(lighthouse)
    text = event.payload["text"].lower()
    assert any(memory.lower().rstrip(".") in text for memory in lighthouse), text
    assert "glass market" not in text


def speak(player, text, request_id="r1"):
    return player_action_apply(character_id=player.id, request_id=request_id, action="speak", data={"text": text})


def test_spectra_answers_a_player_at_her_place(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ack = speak(place["wren"], "What do you make of the lanterns?")

    (reply,) = talked()
    assert reply.type == EventType.SPECTRA_TALKED  # nobody named: she answers
    assert reply.payload["in_reply_to"] == ack["event_id"]
    assert reply.payload["listener_id"] == place["wren"].id
    speakers = list(ConversationMessage.objects.order_by("id").values_list("speaker_id", flat=True))
    assert speakers == [place["wren"].id, place["spectra"].id]


def test_a_named_npc_answers_even_beside_spectra(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        speak(place["wren"], "Oren, what do you make of the lanterns?")

    (reply,) = talked()
    assert reply.type == EventType.NPC_TALKED
    assert reply.payload["actor_name"].startswith("Oren")


@pytest.mark.parametrize(
    ("text", "answerer"),
    [
        ("Tamsin, what do the stars say?", "tamsin"),
        ("what do you think, TAMSIN QUILL?", "tamsin"),
        ("Orenna! Where is your brother?", "orenna"),
        ("Tamsin, is Orenna here?", "tamsin"),  # the first one named
        ("I met a Tamsinite once.", None),  # whole words only: said to the room
        ("Hello, anyone?", None),
    ],
)
def test_without_spectra_the_npc_named_answers(place, django_capture_on_commit_callbacks, text, answerer):
    """A line naming someone there is theirs to answer; one said to the room is answered by one
    of those there (never by nobody, never by two)."""
    wren = place["wren"]
    Character.objects.filter(pk=wren.pk).update(location=place["birch"])

    with django_capture_on_commit_callbacks(execute=True):
        speak(wren, text)

    (reply,) = talked()
    assert reply.type == EventType.NPC_TALKED and reply.location_id == place["birch"].id
    if answerer is not None:
        assert reply.actor_id == place[answerer].id
    else:
        assert reply.actor_id in {place["tamsin"].id, place["orenna"].id}


def test_a_name_inside_a_word_addresses_no_one():
    from spectra.dialogue_subscribers import _addressed

    npcs = [{"id": 1, "name": "Tamsin Quill"}, {"id": 2, "name": "Orenna"}]
    assert _addressed("I met a Tamsinite once.", npcs) is None
    assert _addressed("Orennas are rare; Tamsin, hello", npcs)["id"] == 1


def test_a_line_said_to_the_room_is_answered_by_the_same_one_each_time_and_never_at_an_empty_place(
    place, django_capture_on_commit_callbacks, django_assert_num_queries
):
    wren = place["wren"]
    Character.objects.filter(pk=wren.pk).update(location=place["birch"])
    line = publish(EventType.PLAYER_SPOKE, {"text": "Hello?"}, location_id=place["birch"].id, actor_id=wren.id)
    answerers = set()
    for _ in range(3):
        # who is named or Spectra; who spoke to the player lately; who else is there
        with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(3):
            answer_players([line] * 20)
        assert len(callbacks) == 20
        callbacks = callbacks[:1]
        (callback,) = callbacks
        answerers.add(callback.keywords["speaker_id"])
    assert len(answerers) == 1 and answerers <= {place["tamsin"].id, place["orenna"].id}

    Character.objects.filter(location=place["birch"]).exclude(pk=wren.pk).update(location=place["ash"])
    with django_capture_on_commit_callbacks() as callbacks:
        answer_players([line])
    assert callbacks == []


def test_an_inactive_npc_does_not_answer(place, django_capture_on_commit_callbacks):
    Character.objects.filter(pk__in=[place["tamsin"].pk, place["orenna"].pk]).update(is_active=False)
    Character.objects.filter(pk=place["wren"].pk).update(location=place["birch"])

    with django_capture_on_commit_callbacks(execute=True):
        speak(place["wren"], "Tamsin?")

    assert talked() == []


def test_nothing_is_answered_when_the_action_rolls_back(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        speak(place["wren"], "Spectra?")
        raise RuntimeError("the action failed after speaking")

    assert callbacks == []


def test_a_conversation_goes_on_without_names_with_whoever_spoke_to_the_player(
    place, django_capture_on_commit_callbacks
):
    wren, tamsin = place["wren"], place["tamsin"]
    Character.objects.filter(pk=wren.pk).update(location=place["birch"])
    publish(
        EventType.NPC_TALKED,
        {"actor_id": tamsin.id, "actor_name": tamsin.name, "listener_id": wren.id, "text": "Welcome, Wren."},
        location_id=place["birch"].id,
        actor_id=tamsin.id,
        tick=0,
        broadcast=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        speak(wren, "And where is the lighthouse?", request_id="r1")
    (reply,) = [event for event in talked() if event.payload.get("in_reply_to")]
    assert reply.actor_id == tamsin.id and reply.payload["listener_id"] == wren.id

    # all gone elsewhere: nobody answers a line that names no one
    Character.objects.filter(pk__in=[tamsin.pk, place["orenna"].pk]).update(location=place["ash"])
    Character.objects.filter(pk=place["spectra"].pk).update(location=place["ash"])
    with django_capture_on_commit_callbacks(execute=True):
        speak(wren, "Still there?", request_id="r2")
    assert len([event for event in talked() if event.payload.get("in_reply_to")]) == 1


def test_who_answers_costs_one_query_for_any_number_of_lines(
    place, django_assert_num_queries, django_capture_on_commit_callbacks
):
    lines = [
        publish(
            EventType.PLAYER_SPOKE, {"text": text}, location_id=where.id, actor_id=place["wren"].id, broadcast=False
        )
        for where, text in [(place["ash"], "Hello"), (place["birch"], "Tamsin, hi"), (place["birch"], "Orenna?")] * 5
    ]

    # who is named or Spectra; who spoke to the player lately (nobody here, so no third)
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(2):
        answer_players(lines)

    assert len(callbacks) == len(lines)  # Spectra at Ash, Tamsin and Orenna at Birch


def test_with_an_api_configured_the_reply_comes_from_it(place, fake_api, settings):
    settings.DIALOGUE_API_BASE = fake_api.base_url
    settings.DIALOGUE_MODEL = "house-model"
    fake_api.answer = "I see your words in gold, wren."

    event = reply_to_player(
        speaker_id=place["spectra"].id, player_id=place["wren"].id, heard="Hi!", location_id=place["ash"].id, tick=4
    )

    assert event.payload["text"] == "I see your words in gold, wren."
    assert event.payload["provider"] == "openai-compatible"
    assert fake_api.requests[0]["json"]["model"] == "house-model"


# --- Background dispatch ---------------------------------------------------------------------


@pytest.fixture
def no_server_loop():
    background.register_server_loop(None)
    yield
    background.register_server_loop(None)


def test_inline_runs_at_once_and_logs_failures(settings, no_server_loop, caplog):
    settings.CELERY_BROKER_URL = "memory://"
    ran = []

    background.run_in_background(lambda **kwargs: ran.append(kwargs), x=1)
    assert ran == [{"x": 1}]

    def broken(**kwargs):
        raise ValueError("boom")

    with caplog.at_level(logging.ERROR, logger="htrae.background"):
        background.run_in_background(broken)  # does not raise
    assert "failed" in caplog.text and "boom" in caplog.text


def test_served_mode_sends_the_celery_task(settings, monkeypatch, no_server_loop, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    sent = []
    monkeypatch.setattr(tasks.reply_to_player, "delay", lambda **kwargs: sent.append(kwargs))

    background.run_in_background(tasks.reply_to_player, speaker_id=1, player_id=2, heard="hi", location_id=3, tick=4)

    assert sent == [{"speaker_id": 1, "player_id": 2, "heard": "hi", "location_id": 3, "tick": 4}]

    def broker_down(**kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.reply_to_player, "delay", broker_down)
    with caplog.at_level(logging.ERROR, logger="htrae.background"):
        background.run_in_background(tasks.reply_to_player, speaker_id=1)  # does not raise
    assert "could not send" in caplog.text


def test_served_mode_a_player_line_becomes_a_task(place, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    sent, consequences = [], []
    monkeypatch.setattr(tasks.reply_to_player, "delay", lambda **kwargs: sent.append(kwargs))
    monkeypatch.setattr(world_tasks.event_consequences, "delay", lambda **kwargs: consequences.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        ack = speak(place["wren"], "Spectra, look!")
    # The action's consequences are a task of their own; a worker runs them, and they queue
    # the answer.
    assert sent == [] and consequences == [{"event_ids": [ack["event_id"]]}]
    with django_capture_on_commit_callbacks(execute=True):
        world_tasks.event_consequences(**consequences[0])

    assert sent == [
        {
            "speaker_id": place["spectra"].id,
            "player_id": place["wren"].id,
            "heard": "Spectra, look!",
            "location_id": place["ash"].id,
            "tick": 4,
            "in_reply_to": ack["event_id"],
            "in_reply_to_request_id": "r1",
        }
    ]
    assert talked() == []  # the worker will answer


def test_the_task_closes_channel_pools_only_in_a_worker(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.replies, "reply_to_player", lambda **kwargs: calls.append(kwargs))
    kwargs = {"speaker_id": 1, "player_id": 2, "heard": "hi", "location_id": 3, "tick": 4}

    tasks.reply_to_player(**kwargs)  # as the server's thread or inline mode calls it
    tasks.reply_to_player.apply(kwargs=kwargs)  # as a worker runs it

    assert [call["close_channel_pools"] for call in calls] == [False, True]


async def test_with_a_registered_loop_the_work_runs_in_a_thread_and_sends_on_that_loop(
    settings, no_server_loop, caplog
):
    settings.CELERY_BROKER_URL = "memory://"
    loop = asyncio.get_running_loop()
    background.register_server_loop(loop)
    done = asyncio.Event()
    seen = {}

    async def where_am_i():
        return asyncio.get_running_loop()

    def work(*, value):
        seen["value"] = value
        seen["thread"] = threading.get_ident()
        seen["send_loop"] = async_to_sync(where_am_i)()  # how world.broadcast sends
        loop.call_soon_threadsafe(done.set)

    await asyncio.to_thread(background.run_in_background, work, value=42)
    await asyncio.wait_for(done.wait(), timeout=5)

    assert seen["value"] == 42
    assert seen["thread"] != threading.get_ident()  # not on the loop itself
    assert seen["send_loop"] is loop  # the in-memory channel layer's loop

    def broken():
        raise ValueError("boom on the loop")

    with caplog.at_level(logging.ERROR, logger="htrae.background"):
        await asyncio.to_thread(background.run_in_background, broken)
        for _ in range(50):
            if "boom on the loop" in caplog.text:
                break
            await asyncio.sleep(0.05)
    assert "boom on the loop" in caplog.text


# --- Through the real WebSocket ---------------------------------------------------------------

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture
def fresh_channel_layer():
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


async def receive_until(communicator, frame_type, timeout=5):
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


@pytest.mark.django_db(transaction=True)
async def test_a_player_speaks_and_spectra_answers_over_the_websocket(settings, fresh_channel_layer, no_server_loop):
    settings.CELERY_BROKER_URL = "memory://"  # inline: the answer is made right after the action commits
    settings.DIALOGUE_API_BASE = ""

    def build():
        ash = LocationFactory(name="Ash", slug="ash")
        WorldClockFactory(tick=2)
        spectra = CharacterFactory(
            name="Spectra", slug="spectra", kind=Character.Kind.SPECTRA, location=ash, emotional_state={"mood": "joy"}
        )
        wren = PlayerFactory(name="wren", user__username="wren", location=ash)
        return spectra, wren, Token.objects.create(user=wren.user).key

    spectra, wren, token = await database_sync_to_async(build)()
    communicator = WebsocketCommunicator(application, f"/ws/simulation?token={token}", headers=[ORIGIN])
    try:
        connected, _ = await communicator.connect()
        assert connected
        await receive_until(communicator, "world_update")

        await communicator.send_json_to(
            {
                "type": "player_action",
                "request_id": "s1",
                "data": {"action": "speak", "text": "Spectra, is it morning?"},
            }
        )
        frames, ack = [], None
        while ack is None or len(frames) < 2:
            frame = await communicator.receive_json_from(timeout=5)
            if frame["type"] == "ack":
                ack = frame
            elif frame["type"] == "chat_message":
                frames.append(frame)
        stored = await database_sync_to_async(
            lambda: list(ConversationMessage.objects.values_list("speaker_id", flat=True).order_by("id"))
        )()
    finally:
        await communicator.disconnect()
        await database_sync_to_async(lambda: connection.close())()

    # Both lines reach the player. (In inline mode the answer's frame is sent first:
    # world.events.publish_many runs subscribers, which schedule it, before it registers the
    # line's own broadcast. Under `serve` and in served mode the answer comes later.)
    by_kind = {frame["data"]["speaker"]["kind"]: frame["data"] for frame in frames}
    assert by_kind["player"]["text"] == "Spectra, is it morning?"
    assert by_kind["player"]["event_id"] == ack["data"]["event_id"]
    answer = by_kind["spectra"]
    assert answer["speaker"] == {"id": spectra.id, "name": "Spectra", "kind": "spectra"}
    assert answer["listener"] == {"id": wren.id, "name": "wren"}
    assert answer["text"] and answer["event_id"] > ack["data"]["event_id"]
    assert stored == [wren.id, spectra.id]  # the conversation keeps the true order

"""Spectra in the world: appraisal of real events, mood changes and their history, the
resonance engine, her tick (expression, thoughts, goals, status) and the spectra API."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from spectra.feelings import feelings_update
from spectra.models import AppraisalRule, EmotionSample, SpectraGoal, SpectraMind
from spectra.resonance import resonance_apply
from spectra.selectors import spectra_status_get
from spectra.status import spectra_status_publish_if_changed
from tests.factories import CharacterFactory, LocationFactory, PathFactory, PlayerFactory, WorldClockFactory
from world.broadcast import tick_frames
from world.consequences import consequences_schedule
from world.models import Character, GameEvent, Location
from world.services import player_action_apply
from world.tick import run_tick

pytestmark = pytest.mark.django_db

CALM_PERSONALITY = {
    "openness": 0.7,
    "conscientiousness": 0.5,
    "extraversion": 0.5,
    "agreeableness": 0.6,
    "neuroticism": 0.3,
}


@pytest.fixture
def world(db):
    """A line of places A - B - C - D; Spectra, an NPC and a player at A."""
    a, b, c, d = (LocationFactory(name=name, slug=name.lower(), light=0.5, color="#808080") for name in "ABCD")
    PathFactory(source=a, target=b)
    PathFactory(source=b, target=c)
    PathFactory(source=c, target=d)
    clock = WorldClockFactory(seed=11)
    spectra = CharacterFactory(
        kind=Character.Kind.SPECTRA,
        name="Spectra",
        slug="spectra",
        location=a,
        personality=CALM_PERSONALITY,
        goals=["Find the heart of the prism", "Make a friend"],
        emotional_state={"mood": "calm"},
    )
    npc = CharacterFactory(name="Oren Vael", location=a, personality=CALM_PERSONALITY)
    player = PlayerFactory(name="wren", user__username="wren", location=a)
    return {"a": a, "b": b, "c": c, "d": d, "spectra": spectra, "npc": npc, "player": player, "clock": clock}


def act(**action):
    """A player's action as the server runs it: committed, then what it set off in others'
    minds runs as mind work of its own (world.locks). Replies are left out: these tests
    are about what the player's words stir, not her answer's (their callbacks, registered
    while the consequences run, are never run here)."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        reply = player_action_apply(**action)
    for callback in callbacks:
        if getattr(callback, "func", None) is consequences_schedule:
            callback()
    return reply


def speak(player, text, request_id):
    return act(character_id=player.id, request_id=request_id, action="speak", data={"text": text})


def test_a_player_speaking_to_her_lifts_her_mood(world):
    spectra = world["spectra"]

    for number in range(4):
        speak(world["player"], f"Spectra, you shine today! ({number})", f"s{number}")

    spectra.refresh_from_db()
    state = spectra.emotional_state
    assert state["pleasure"] > 0.3
    assert state["mood"] in {"joy", "wonder", "curiosity", "warmth"}
    change = GameEvent.objects.filter(type="SPECTRA_EMOTION_CHANGED").last()
    assert change is not None and change.payload["to"] == state["mood"] and change.payload["cause"] == "PLAYER_SPOKE"
    assert EmotionSample.objects.filter(character=spectra, mood=state["mood"]).exists()


def test_her_mood_tints_the_places_around_her_fading_with_distance(world):
    for number in range(4):
        speak(world["player"], f"Spectra, look at the lanterns! ({number})", f"s{number}")

    weights = {name: Location.objects.get(name=name).resonance.get("weight", 0) for name in "ABCD"}
    assert weights["A"] > weights["B"] > weights["C"] > 0 and weights["D"] == 0
    a = Location.objects.get(name="A")
    assert a.environment["color"] != "#808080" and a.environment["resonance"]["mood"] == a.resonance["mood"]
    updates = GameEvent.objects.filter(type="ENVIRONMENT_UPDATE")
    assert {event.location_id for event in updates} == {world["a"].id, world["b"].id, world["c"].id}


def test_places_she_left_relax_back_to_their_own_base(world):
    speak(world["player"], "Spectra!", "s1")
    resonance_apply()
    Character.objects.filter(pk=world["spectra"].pk).update(location=world["d"])

    before = Location.objects.get(name="A").resonance["weight"]
    resonance_apply()
    after_one = Location.objects.get(name="A").resonance.get("weight", 0)
    for _ in range(8):
        resonance_apply()

    assert after_one == pytest.approx(before / 2, abs=0.01)
    a = Location.objects.get(name="A")
    assert a.resonance == {}
    assert a.environment == {"light": 0.5, "color": "#808080", "sound": a.sound}
    assert Location.objects.get(name="D").resonance["weight"] > 0


def test_npcs_feel_too_and_their_mood_shows_in_the_world(world, api_client):
    npc = world["npc"]
    for number in range(3):
        act(
            character_id=world["player"].id,
            request_id=f"i{number}",
            action="interact",
            data={"target": {"type": "character", "id": npc.id}},
        )
    npc.refresh_from_db()
    assert npc.emotional_state["pleasure"] > 0

    api_client.force_authenticate(world["player"].user)
    present = api_client.get("/api/world/state").json()["characters"]
    assert {c["name"]: c["mood"] for c in present}["Oren Vael"] == npc.emotional_state["mood"]


def test_designers_tune_the_appraisal_table(world):
    AppraisalRule.objects.filter(event_type="PLAYER_SPOKE").update(intensity=0.0)
    AppraisalRule.objects.first().save()  # a save in the admin: the rule book is re-read
    speak(world["player"], "Spectra, hello!", "s1")
    world["spectra"].refresh_from_db()
    # unmoved: she rests where her temperament, the hour and the daylight put her
    assert world["spectra"].emotional_state.get("intensity", 0.0) < 0.05


def test_each_tick_she_relaxes_expresses_thinks_and_keeps_her_goals(world):
    for _ in range(12):
        run_tick(force=True)

    spectra = Character.objects.get(pk=world["spectra"].pk)
    assert EmotionSample.objects.filter(character=spectra).count() >= 12  # one per tick: her arc
    mind = SpectraMind.objects.get(character=spectra)
    assert mind.thoughts and all(t["text"] for t in mind.thoughts)
    assert mind.expression_log, "she showed some idle behaviour in twelve ticks"
    assert GameEvent.objects.filter(type="SPECTRA_EXPRESSED").count() >= len(mind.expression_log)
    goals = list(SpectraGoal.objects.filter(character=spectra))
    assert [goal.title for goal in goals] == ["Find the heart of the prism", "Make a friend"]
    assert spectra.goals == [goal.title for goal in goals]


def test_time_of_day_is_an_event_she_feels(world):
    world["clock"].world_time = world["clock"].world_time.replace(hour=4, minute=45)
    world["clock"].save()
    run_tick(force=True)  # 04:45 -> 05:15: dawn
    dawn = GameEvent.objects.get(type="TIME_OF_DAY_CHANGED")
    assert dawn.payload["part"] == "dawn" and dawn.location_id is None


def test_status_is_published_only_when_it_changed(world):
    first = spectra_status_publish_if_changed()
    again = spectra_status_publish_if_changed()
    assert first is not None and again is None
    speak(world["player"], "Spectra, you are wonderful!", "s1")  # her feelings move
    assert GameEvent.objects.filter(type="SPECTRA_STATUS_CHANGED").count() == 2


def test_a_tick_sends_her_status_and_idle_behaviour_to_clients(world):
    for _ in range(6):
        run_tick(force=True)
    events = list(GameEvent.objects.filter(tick=GameEvent.objects.latest("id").tick))
    expressed = GameEvent.objects.filter(type="SPECTRA_EXPRESSED").last()
    frames = tick_frames(events[0].tick, [*events, expressed])
    kinds = {frame["type"] for _, frame in frames}
    assert "world_update" in kinds and "notification" in kinds
    status_events = GameEvent.objects.filter(type="SPECTRA_STATUS_CHANGED")
    assert status_events.exists()
    status_frames = [f for _, f in tick_frames(1, list(status_events)) if f["type"] == "spectra_status_update"]
    assert len(status_frames) == 1 and status_frames[0]["data"]["emotional_state"]["color"]["hex"].startswith("#")


# --- API -----------------------------------------------------------------------------------


def test_status_endpoint(world, api_client):
    run_tick(force=True)
    api_client.force_authenticate(world["player"].user)

    body = api_client.get("/api/spectra/status").json()

    assert set(body) == {
        "id",
        "name",
        "tick",
        "emotional_state",
        "expression",
        "thoughts",
        "goals",
        "location",
        "energy",
    }
    assert set(body["emotional_state"]) == {"mood", "intensity", "pleasure", "arousal", "dominance", "color"}
    assert body["tick"] == 1 and body["location"]["name"] in "ABCD"
    assert body["goals"][0]["title"] == "Find the heart of the prism" and 0 <= body["goals"][0]["progress"] <= 1
    assert body["thoughts"]


def test_status_is_two_queries_however_many_goals_and_shows_only_the_active(world, django_assert_max_num_queries):
    spectra = world["spectra"]
    for number in range(12):
        SpectraGoal.objects.create(character=spectra, title=f"Goal {number}", priority=1 + number % 10, progress=0.5)
    SpectraGoal.objects.create(
        character=spectra, title="Done", priority=10, progress=1.0, status=SpectraGoal.Status.ACHIEVED
    )

    with django_assert_max_num_queries(2):
        status = spectra_status_get()

    titles = [goal["title"] for goal in status["goals"]]
    assert "Done" not in titles and len(titles) == 12
    priorities = [goal["priority"] for goal in status["goals"]]
    assert priorities == sorted(priorities, reverse=True)
    # no mind yet (before her first tick): nothing expressed, nothing thought
    assert not SpectraMind.objects.exists()
    assert status["expression"] is None and status["thoughts"] == []
    assert status["location"] == {"id": world["a"].id, "slug": "a", "name": "A"} and status["tick"] == 0


def test_history_endpoint(world, api_client):
    for _ in range(3):
        run_tick(force=True)
    api_client.force_authenticate(world["player"].user)

    samples = api_client.get("/api/spectra/history").json()["results"]
    assert [s["tick"] for s in samples] == [1, 2, 3]
    assert set(samples[0]) >= {"tick", "world_time", "mood", "pleasure", "arousal", "dominance", "intensity", "cause"}

    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api_client.get("/api/spectra/history", {"since": future}).json()["results"] == []
    first = api_client.get("/api/spectra/history", {"limit": 2}).json()
    assert [s["tick"] for s in first["results"]] == [1, 2]
    # The next page keeps the first page's start (a default `since` would move on with the clock).
    assert f"since={first['since'][:10]}" in first["next"]
    following = api_client.get(first["next"]).json()
    assert [s["tick"] for s in following["results"]] == [3] and following["next"] is None


@pytest.mark.parametrize("query", [{"since": "yesterday"}, {"limit": "0"}, {"limit": "x"}, {"limit": "999999"}])
def test_history_bad_input(world, api_client, query):
    api_client.force_authenticate(world["player"].user)
    response = api_client.get("/api/spectra/history", query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_spectra_endpoints_need_a_login_and_a_spectra(api_client, db):
    assert api_client.get("/api/spectra/status").status_code == 401
    player = PlayerFactory()
    api_client.force_authenticate(player.user)
    for url in ("/api/spectra/status", "/api/spectra/history"):
        response = api_client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "no_spectra"


def test_feelings_update_costs_the_same_for_many_npcs(world, django_assert_max_num_queries):
    from htrae.vocabulary import EventType

    def arrivals(count):
        for _ in range(count):
            CharacterFactory(location=world["a"])
        return [
            GameEvent.objects.create(
                type=EventType.SPECTRA_MOVED,
                location=world["a"],
                actor=world["spectra"],
                tick=1,
                payload={"actor_kind": "spectra"},
            )
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = arrivals(2)
    with CaptureQueriesContext(connection) as first:
        feelings_update(events=few, tick=1)
    many = arrivals(60)
    # the same work again (her status and the map's tint may or may not move), for 31x the NPCs
    with django_assert_max_num_queries(len(first) + 4):
        feelings_update(events=many, tick=2)
    assert Character.objects.filter(kind="npc", emotional_state__has_key="pleasure").count() >= 60

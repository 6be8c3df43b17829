"""The rules replay rests on, each tried directly: one seed source (the world clock's), exits
in path id order whatever the places are called, needs stored in sorted order, memory ties
broken by tick and id (never the wall clock). tests/world/test_replay.py checks them all at
once across two processes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from memory import services as memory_services
from memory.models import Memory
from narrative.seeding.loader import generated_npcs_add
from spectra import replies
from tests.factories import (
    CharacterFactory,
    LocationFactory,
    MemoryFactory,
    PathFactory,
    PlayerFactory,
    WorldClockFactory,
)
from world.autonomy.perception import world_snapshot_load
from world.models import Character, Location, WorldClock
from world.selectors import world_seed_get

pytestmark = pytest.mark.django_db


def test_the_world_seed_is_the_clocks_and_the_setting_only_its_default(settings):
    settings.WORLD_SEED = 111
    assert world_seed_get() == 111  # no clock yet
    WorldClockFactory(seed=222)
    assert world_seed_get() == 222


def generated(count=4):
    generated_npcs_add(count=count)
    rows = list(Character.objects.filter(slug__startswith="gen-").order_by("slug").values_list("name", "personality"))
    Character.objects.filter(slug__startswith="gen-").delete()
    return rows


def test_generated_npcs_follow_the_clocks_seed_not_the_setting(seeded_world, settings):
    WorldClock.objects.update(seed=5)
    settings.WORLD_SEED = 1
    first = generated()
    settings.WORLD_SEED = 2
    assert generated() == first, "the setting does not matter once the clock has a seed"
    WorldClock.objects.update(seed=6)
    assert generated() != first


def test_a_reply_is_seeded_by_the_clocks_seed(seeded_world, settings, monkeypatch):
    heard = []

    class Listening:
        name = "listening"

        def reply(self, request):
            heard.append(request.seed)
            return "Hm."

    monkeypatch.setattr(replies, "dialogue_provider_get", lambda: Listening())
    WorldClock.objects.update(seed=4000)
    settings.WORLD_SEED = 1
    spectra = Character.objects.get(kind="spectra")
    player = PlayerFactory(location=spectra.location)

    replies.reply_to_player(
        speaker_id=spectra.id, player_id=player.id, heard="Hello", location_id=spectra.location_id, tick=7
    )

    assert heard == [4007]


def test_exits_come_in_path_id_order_whatever_the_places_are_called():
    here, zed, abe = LocationFactory(name="Middle"), LocationFactory(name="Zed"), LocationFactory(name="Abe")
    PathFactory(source=here, target=zed)  # the older path, to the later name
    PathFactory(source=abe, target=here)  # a two-way path stored from the other side

    def exits():
        return [exit.location_id for exit in world_snapshot_load(tick=1).exits[here.id]]

    assert exits() == [zed.id, abe.id]
    Location.objects.filter(pk=zed.pk).update(name="Aaa")
    Location.objects.filter(pk=abe.pk).update(name="Zzz")
    assert exits() == [zed.id, abe.id]


def test_the_short_term_cap_breaks_ties_by_tick_and_id_not_the_wall_clock(settings):
    settings.MEMORY_SHORT_TERM_CAP = 2
    me = CharacterFactory()
    now = timezone.now()
    # Same importance and tick; the wall clock runs the other way round from the ids.
    _first, second, third = (
        MemoryFactory(character=me, importance_score=3, tick=50, timestamp=now - timedelta(minutes=index))
        for index in range(3)
    )

    memory_services.memories_consolidate(tick=60)

    assert set(Memory.objects.filter(character=me).values_list("id", flat=True)) == {second.id, third.id}


def test_retrieval_candidates_break_recency_ties_by_tick_and_id(settings):
    from memory.selectors import memory_candidates

    me = CharacterFactory()
    now = timezone.now()
    world_time = now - timedelta(days=3)
    made = [
        MemoryFactory(character=me, tick=10, last_accessed_world_at=world_time, timestamp=now - timedelta(minutes=i))
        for i in range(4)
    ]

    rows, _ = memory_candidates(memories=Memory.objects.filter(character=me), query=None, size=2)

    # The two most recently recalled (a tie) by id, newest first, whatever the wall clock says;
    # the two most important (a tie too) the same.
    assert {row.id for row in rows} == {made[3].id, made[2].id}

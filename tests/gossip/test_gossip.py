"""Gossip: who knows what. A fact told in talk is learned by its listener (from its teller),
a deed by those who stood by; what each knows reaches its talk (news, its faction's aims and
lore, its memories; secrets only its faction's); a gathering heard of draws its knowers; the
report's checks of exchanges and of a planted fact's spread; and news spreading by talk
alone in the seed world."""

from types import SimpleNamespace

import pytest
from django.db import connection

from gossip.intentions import GATHERING_WEIGHT, gathering_intentions
from gossip.models import Knowledge
from gossip.reporting import (
    REPORT_FACT_KEY,
    SPREAD_KEY,
    coherent_exchanges,
    names_pattern,
    planted_fact_sample,
    without_names,
)
from gossip.selectors import known_facts
from gossip.services import fact_plant, learn_from_events
from memory.models import Memory
from narrative.models import LoreDiscovery
from tests.factories import CharacterFactory, FactionFactory, LocationFactory, LoreEntryFactory, MemoryFactory
from tests.query_plans import rows_read_by
from world.models import Character
from world.tick import run_tick


def talk(actor, listener, fact=None, turn=0, place=None):
    payload = {"listener_id": listener.id, "text": "…", "exchange": {"id": "1:1", "turn": turn}}
    if fact:
        payload["fact"] = fact
    return SimpleNamespace(type="NPC_TALKED", actor_id=actor.id, location_id=place, payload=payload, id=turn + 1)


@pytest.mark.django_db
def test_a_fact_told_is_learned_by_the_listener_from_its_teller_once():
    a, b = CharacterFactory(), CharacterFactory()
    fact = {"key": "news:fair", "text": "there's a fair", "kind": "heard", "importance": 0.7}
    learn_from_events([talk(a, b, fact), talk(a, b, {**fact, "text": "changed"}, turn=2)], tick=5)
    known = Knowledge.objects.get(character=b)
    assert (known.key, known.text, known.told_by_id, known.learned_tick) == ("news:fair", "there's a fair", a.id, 5)
    learn_from_events([talk(a, b, {**fact, "text": "again"})], tick=9)  # already known: kept as first learned
    assert Knowledge.objects.get(character=b).learned_tick == 5
    lore = {"key": "lore:1", "text": "a tale", "kind": "lore"}
    learn_from_events([talk(a, b, lore)], tick=6)  # a tale is not news
    assert not Knowledge.objects.filter(key="lore:1").exists()


@pytest.mark.django_db
def test_a_clash_is_known_by_those_who_stood_by():
    place, elsewhere = LocationFactory(name="The Kilnworks"), LocationFactory()
    doer, target, bystander = (CharacterFactory(location=place) for _ in range(3))
    away = CharacterFactory(location=elsewhere)
    clash = SimpleNamespace(
        type="NPC_CONFRONTED", actor_id=doer.id, location_id=place.id, id=77,
        payload={"actor_name": doer.name, "target_id": target.id, "target_name": target.name},
    )  # fmt: skip
    learn_from_events([clash], tick=3)
    knowers = set(Knowledge.objects.filter(key="deed:77").values_list("character_id", flat=True))
    assert knowers == {target.id, bystander.id} and away.id not in knowers
    assert "at The Kilnworks" in Knowledge.objects.filter(key="deed:77").first().text


@pytest.mark.django_db
def test_what_a_character_knows_reaches_its_talk_secrets_within_the_faction():
    guild, ledger = FactionFactory(name="The Guild", goals=["Forge a prism"]), FactionFactory(name="The Ledger")
    member, outsider = CharacterFactory(faction=guild), CharacterFactory(faction=ledger)
    secret = LoreEntryFactory(title="The Hidden Kiln", summary="The kiln hides a mind.", category="secret")
    secret.factions.add(guild)
    LoreDiscovery.objects.create(character=outsider, entry=LoreEntryFactory(title="Old Tale", category="myth"))
    MemoryFactory(character=member, content="My mother fired the first lens.", importance_score=8)
    # a memory of a line heard, its event since dropped by the retention policy: not its own life
    MemoryFactory(character=member, content="Wren said: the tide is late.", importance_score=9, hour=14)
    fact_plant(character=member, key="news:x", text="the ferry sank", tick=2)
    facts = known_facts(character_ids=[member.id, outsider.id], tick=3)
    mine = {fact.kind: fact for fact in facts[member.id]}
    assert mine["heard"].text == "the ferry sank" and mine["allegiance"].text == "forge a prism"
    assert [fact.text for fact in facts[member.id] if fact.kind == "memory"] == ["My mother fired the first lens."]
    assert mine["lore"].secret and mine["lore"].faction_id == guild.id
    assert {fact.subject for fact in facts[outsider.id] if fact.kind == "lore"} == {"Old Tale"}
    assert known_facts(character_ids=[member.id], tick=2).get(member.id, ()) and not any(
        fact.kind == "heard" for fact in known_facts(character_ids=[member.id], tick=2)[member.id]
    )  # learned this tick: not yet known to this tick's talk


@pytest.mark.django_db
def test_a_gathering_heard_of_draws_its_knowers_near_its_time():
    hall = LocationFactory()
    knower, other = CharacterFactory(), CharacterFactory()
    fact_plant(character=knower, key="g", text="a feast", tick=1, kind="gathering", location_id=hall.id,
               starts_tick=40, ends_tick=48)  # fmt: skip
    assert gathering_intentions(character_ids=[knower.id, other.id], tick=10, world_time=None) == {}
    found = gathering_intentions(character_ids=[knower.id, other.id], tick=36, world_time=None)
    assert list(found) == [knower.id]
    (intention,) = found[knower.id]
    assert intention.location_id == hall.id and intention.weight == GATHERING_WEIGHT
    assert gathering_intentions(character_ids=[knower.id], tick=49, world_time=None) == {}


@pytest.mark.django_db
def test_the_planted_fact_sample_counts_npc_knowers():
    assert planted_fact_sample() == {}
    a, b = CharacterFactory(), CharacterFactory()
    fact_plant(character=a, key=REPORT_FACT_KEY, text="x", tick=4)
    Knowledge.objects.create(character=b, key=REPORT_FACT_KEY, text="x", learned_tick=6, told_by=a)
    assert planted_fact_sample() == {SPREAD_KEY: (4, 2)}


def line(speaker, listener, turn, act, answers, topic="goal", exchange="e"):
    return (1, speaker, listener, "text", exchange, turn, act, answers, topic)


def test_an_exchange_counts_only_when_each_reply_answers_the_line_before():
    good = [line(1, 2, 0, "greet", None), line(2, 1, 1, "greet", 0), line(1, 2, 2, "topic", 1)]
    assert len(coherent_exchanges(good, {1, 2})) == 1
    assert coherent_exchanges(good[:2], {1, 2}) == []  # too short
    assert coherent_exchanges(good, {1}) == []  # not among NPCs
    broken = [
        [*good[:2], line(1, 2, 2, "topic", 0)],  # answers a line further back
        [*good[:2], line(2, 1, 2, "topic", 1)],  # the same speaker again
        [*good[:2], line(1, 2, 2, "farewell", 1)],  # an act that does not answer a greeting
        [*good[:2], line(1, 2, 2, "topic", 1, topic="lore")],  # another topic
        [*good[:2], line(1, 2, 3, "topic", 1)],  # a turn missing
    ]
    for turns in broken:
        assert coherent_exchanges(turns, {1, 2}) == []


def test_names_are_replaced_whole_first_or_full():
    pattern = names_pattern(["Oren Vael", "Pim Alder"])
    assert without_names("Oren, have you seen Pim Alder? Orenna says Pim.", pattern) == (
        "NAME, have you seen NAME? Orenna says NAME."
    )


@pytest.mark.django_db
def test_news_spreads_by_talk_alone_and_each_turn_answers_the_one_before(seeded_world):
    first = Character.objects.filter(kind=Character.Kind.NPC).order_by("id").first()
    fact_plant(character=first, key="news:test", text="the ferry sank at dawn", tick=0, importance=0.9)
    for _ in range(16):
        run_tick(force=True)
    knowers = Knowledge.objects.filter(key="news:test").exclude(character=first)
    assert knowers.count() >= 3
    assert all(row.told_by_id is not None and row.source == Knowledge.Source.HEARD for row in knowers)


@pytest.mark.django_db
def test_in_a_crowd_a_deed_is_known_by_the_one_it_was_done_to_and_a_few_who_stood_by(settings):
    """People x deeds is quadratic in crowding: a busy place of hundreds must not learn every
    deed done in it. The bystanders who learn are those who remember seeing it (the first by id)."""
    settings.MEMORY_MAX_WITNESSES = 3
    place = LocationFactory()
    doer = CharacterFactory(location=place)
    crowd = [CharacterFactory(location=place) for _ in range(6)]
    target = crowd[-1]  # last by id: it learns of what was done to it all the same
    clash = SimpleNamespace(
        type="NPC_CONFRONTED", actor_id=doer.id, location_id=place.id, id=78,
        payload={"actor_name": doer.name, "target_id": target.id, "target_name": target.name},
    )  # fmt: skip
    learn_from_events([clash], tick=3)
    knowers = set(Knowledge.objects.filter(key="deed:78").values_list("character_id", flat=True))
    assert knowers == {target.id, *(c.id for c in crowd[:3])}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_talk_reads_a_characters_own_life_not_every_memory_the_world_formed(db):
    # what talk draws on is a character's weightiest own memories; the world forms dozens more
    # each day (with an hour), and the read must not walk them (index memory_own_life)
    speakers = [CharacterFactory() for _ in range(20)]
    Memory.objects.bulk_create(
        [
            Memory(character=speaker, content="My mother fired the first lens.", importance_score=8)
            for speaker in speakers
        ]
        + [
            Memory(character=speaker, content=f"Saw thing {number}.", importance_score=5, hour=number % 24)
            for speaker in speakers
            for number in range(100)
        ]
    )
    found = {}
    rows_read, plan = rows_read_by(
        lambda: found.update(known_facts(character_ids=[s.id for s in speakers], tick=9)), reading="memory_memory"
    )

    assert all(any(fact.kind == "memory" for fact in found[speaker.id]) for speaker in speakers)
    assert rows_read <= 2 * len(speakers), plan

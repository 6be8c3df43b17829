"""Relationships: opinions moved by deeds and company, fading without contact, seeking and
avoiding in the pure decision, the talk's tone, the player's own in the API (and nobody
else's), the seed's starting pairs, and constant queries."""

import os
import random

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase

from relationships.intentions import SEEK_AFFINITY, friend_intentions
from relationships.logic import (
    COMPANY,
    EventView,
    Rule,
    Stored,
    acquainted,
    event_contacts,
    faded,
    hearsay_contacts,
    moved,
    near_contacts,
    siding_contacts,
)
from relationships.models import Relationship
from relationships.selectors import (
    NOTABLE,
    acquaintance_density,
    affinities_between,
    fade,
    fond_regards_for,
    regards_for,
    relationships_of,
    stored_for_pairs,
)
from relationships.services import relationships_from_events, relationships_write
from tests.factories import CharacterFactory, LocationFactory, PathFactory, PlayerFactory, WorldClockFactory
from world.autonomy.actions import apply_decision
from world.autonomy.decision import MOVE, TALK, Decision, decide, partner_weight, rival_push, score_actions
from world.autonomy.state import CharacterState, Exit, Neighbour, Perception, Regard
from world.models import Character
from world.services import player_action_apply
from world.tick import run_tick

RULES = [
    Rule("NPC_TALKED", "actor", "any", familiarity=0.1),
    Rule("NPC_TALKED", "other", "any", familiarity=0.1),
    Rule("NPC_TALKED", "other", "warm", affinity=0.05),
    Rule("NPC_TALKED", "other", "heated", affinity=-0.08, trust=-0.05),
]


# --- Pure: how opinions move and fade --------------------------------------------------------


def test_warm_words_endear_and_heated_words_estrange():
    words = [EventView("NPC_TALKED", 1, {"listener_id": 2})]
    warm = event_contacts(words, RULES, moods={1: "joy"})
    heated = event_contacts(words, RULES, moods={1: "unease"})
    assert warm[(2, 1)].affinity > 0 > heated[(2, 1)].affinity
    assert heated[(2, 1)].trust < 0
    assert warm[(1, 2)].familiarity == warm[(2, 1)].familiarity == 0.1
    assert event_contacts([EventView("NPC_TALKED", 1, {})], RULES, moods={}) == {}  # nobody spoken to


def test_opinions_fade_without_contact_and_familiarity_lasts_longer():
    stored = Stored(Regard(affinity=0.8, trust=-0.6, familiarity=0.8), last_contact_tick=100)
    later = faded(stored, tick=200, affinity_half_life=100, familiarity_half_life=400)
    assert later.affinity == pytest.approx(0.4)
    assert later.trust == pytest.approx(-0.3)
    assert later.familiarity == pytest.approx(0.8 * 0.5 ** (100 / 400))
    assert faded(stored, tick=100, affinity_half_life=100, familiarity_half_life=400) == stored.regard


def test_moving_an_opinion_stays_in_range():
    opinion = Regard()
    for _ in range(200):
        opinion = moved(opinion, Regard(affinity=0.3, trust=-0.3, familiarity=0.3))
    assert 0.99 < opinion.affinity <= 1.0 and -1.0 <= opinion.trust < -0.99 and opinion.familiarity <= 1.0


def test_company_makes_familiar_but_a_crowd_does_not():
    small = near_contacts({7: [1, 2, 3]}, tick=1, familiarity=0.05)
    assert set(small) == {(a, b) for a in (1, 2, 3) for b in (1, 2, 3) if a != b}
    assert all(change == Regard(familiarity=0.05) for change in small.values())
    company = near_contacts({7: list(range(1, COMPANY + 1))}, tick=1, familiarity=0.05)
    assert len(company) == COMPANY * (COMPANY - 1)
    # a crowd standing about leaves no opinions: the table grows with talk, not people squared
    assert near_contacts({7: list(range(1, COMPANY + 2)), 8: [1000, 1001]}, tick=1, familiarity=0.05) == {
        (1000, 1001): Regard(familiarity=0.05),
        (1001, 1000): Regard(familiarity=0.05),
    }


# --- Pure: seeking and avoiding in the decision ----------------------------------------------


ELSEWHERE = (Exit(20, "Elsewhere"),)


def _perception(regard, *, others, exits=ELSEWHERE) -> Perception:
    me = CharacterState(
        id=1,
        name="Me",
        kind="npc",
        location_id=10,
        needs={"social": 0.6, "curiosity": 0.3, "rest": 0.2},
        personality={"extraversion": 0.6},
        mood="calm",
        regard=regard,
    )
    return Perception(me=me, location_name="Here", others_here=tuple(others), exits=tuple(exits))


def test_talk_partners_are_chosen_by_liking():
    # (someone disliked enough to be a rival is avoided outright: see the next test)
    friend, cool = Neighbour(2, "Friend", "npc"), Neighbour(3, "Cool", "npc")
    perception = _perception(
        {2: Regard(affinity=0.8, familiarity=0.6), 3: Regard(affinity=-0.25)}, others=[friend, cool]
    )
    assert partner_weight(perception.me, friend) > 2.5 * partner_weight(perception.me, cool)
    partners = []
    for seed in range(400):
        decision = decide(perception, rng=random.Random(seed))
        if decision.action == TALK:
            partners.append(decision.target_id)
    assert partners and partners.count(2) > 2 * partners.count(3)


def test_a_rival_present_pushes_a_character_away():
    rival = Neighbour(3, "Rival", "npc")
    hated = _perception({3: Regard(affinity=-0.9)}, others=[rival])
    neutral = _perception({}, others=[rival])
    assert rival_push(neutral) == 0 < rival_push(hated)
    assert score_actions(hated)[MOVE] > score_actions(neutral)[MOVE]
    assert score_actions(hated)[TALK] < score_actions(neutral)[TALK]
    leaves = sum(decide(hated, rng=random.Random(s)).action == MOVE for s in range(200))
    stays = sum(decide(neutral, rng=random.Random(s)).action == MOVE for s in range(200))
    assert leaves > stays


def test_the_speaker_knows_what_it_thinks_of_the_listener():
    perception = _perception({2: Regard(affinity=-0.42)}, others=[Neighbour(2, "Rival", "npc")])
    outcome = apply_decision(perception, Decision(TALK, {}, 2, "Rival"), tick=1, rng=random.Random(1))
    assert outcome.events[0].payload["listener_affinity"] == -0.42


# --- In the world --------------------------------------------------------------------------


@pytest.fixture
def town(db):
    square, lane = LocationFactory(name="Square"), LocationFactory(name="Lane")
    PathFactory(source=square, target=lane)
    clock = WorldClockFactory(seed=5, time_scale=60, tick_interval_seconds=30)
    people = [CharacterFactory(location=square, personality={"extraversion": 0.9}) for _ in range(3)]
    loner = CharacterFactory(location=lane)
    return {"square": square, "lane": lane, "clock": clock, "people": people, "loner": loner}


def test_the_tick_makes_neighbours_familiar_and_talk_moves_opinions(town):
    run_tick(force=True)
    a, b, _ = town["people"]
    pairs = {(row.character_id, row.other_id) for row in Relationship.objects.all()}
    together = Character.objects.filter(location=Character.objects.get(pk=a.pk).location).count()
    if together > 1:
        assert any(holder == a.pk for holder, _ in pairs)
    for _ in range(8):
        run_tick(force=True)
    assert Relationship.objects.filter(familiarity__gt=0).count() >= 2
    talked = Relationship.objects.filter(character=b).order_by("-familiarity").first()
    assert talked is not None and talked.last_contact_tick > 0


def test_fading_is_seen_by_every_reader(town):
    a, b, _ = town["people"]
    Relationship.objects.create(character=a, other=b, affinity=0.8, trust=0.4, familiarity=0.6, last_contact_tick=0)
    now, much_later = regards_for([a.pk], tick=0)[a.pk][b.pk], regards_for([a.pk], tick=2000)[a.pk][b.pk]
    assert much_later.affinity < now.affinity / 4 and much_later.familiarity < now.familiarity
    assert relationships_of(a, tick=2000)[0]["affinity"] == round(much_later.affinity, 3)
    # the next contact starts from the faded opinion, not from the stored one
    relationships_write({(a.pk, b.pk): Regard(familiarity=0.01)}, tick=2000)
    assert Relationship.objects.get(character=a, other=b).affinity == pytest.approx(much_later.affinity, abs=1e-3)


def test_every_reader_fades_an_opinion_to_the_last_bit_as_the_half_lives_say(town, settings):
    """`fade` and the tick's bulk readers (`regards_for`, `fond_regards_for`,
    `affinities_between`, which fade stored values without building a `Stored` a row, each
    age's fading worked out once) give exactly what the half-lives say: before, at and long
    after the last contact."""
    settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS, settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS = 96.0, 480.0

    def by_the_half_lives(r, tick: int) -> Regard:
        since = max(0, tick - r.last_contact_tick)
        if since == 0:
            return Regard(r.affinity, r.trust, r.familiarity)
        keep, known = 0.5 ** (since / 96.0), 0.5 ** (since / 480.0)
        return Regard(r.affinity * keep, r.trust * keep, r.familiarity * known)

    a, b, c = town["people"]
    stored = [(a, b, 0.83, -0.41, 0.67, 40), (a, c, -0.37, 0.29, 0.9, 7), (b, a, 0.61, 0.12, 0.33, 0)]
    rows = [
        Relationship.objects.create(
            character=holder, other=other, affinity=affinity, trust=trust, familiarity=familiarity,
            last_contact_tick=contact,
        )
        for holder, other, affinity, trust, familiarity, contact in stored
    ]  # fmt: skip
    for tick in (0, 7, 40, 41, 333, 5000):
        expected = {(r.character_id, r.other_id): by_the_half_lives(r, tick) for r in rows}
        assert {
            pair: fade(Stored(Regard(r.affinity, r.trust, r.familiarity), r.last_contact_tick), tick=tick)
            for pair, r in zip(expected, rows, strict=True)
        } == expected
        regards = regards_for([a.pk, b.pk], tick=tick)
        assert {(h, o): regard for h, found in regards.items() for o, regard in found.items()} == expected
        fond = fond_regards_for([a.pk, b.pk], at_least=0.0, tick=tick)
        assert {(h, o): r for h, found in fond.items() for o, r in found.items()} == {
            pair: regard for pair, regard in expected.items() if regard.affinity >= 0.0
        }
        liking = affinities_between([a.pk, b.pk], [a.pk, b.pk, c.pk], tick=tick)
        assert {(h, o): v for h, found in liking.items() for o, v in found.items()} == {
            pair: regard.affinity for pair, regard in expected.items()
        }


def test_being_told_of_someone_makes_them_known_and_the_tellers_liking_colours_it():
    told = [
        EventView("NPC_TALKED", 1, {"listener_id": 2, "about_id": 3, "about_affinity": 0.5}),
        EventView("NPC_TALKED", 4, {"listener_id": 2, "about_id": 3, "about_affinity": -0.5}),
        EventView("NPC_TALKED", 1, {"listener_id": 5, "about_id": 6, "about_affinity": -0.8}),
        EventView("NPC_TALKED", 1, {"listener_id": 2, "about_id": 2}),  # of the listener itself
        EventView("NPC_TALKED", 1, {"listener_id": 2, "about_id": 1}),  # of the teller itself
        EventView("NPC_TALKED", 1, {"listener_id": 2}),  # of nobody
    ]
    changes = hearsay_contacts(told, familiarity=0.1, sway=0.2)
    assert set(changes) == {(2, 3), (5, 6)}
    assert changes[(2, 3)] == Regard(affinity=0.0, familiarity=0.2)  # one fond, one cold teller
    assert changes[(5, 6)].affinity == pytest.approx(-0.16) and changes[(5, 6)].familiarity == 0.1


DEED_RULES = [
    Rule("NPC_CONFRONTED", "actor", "any", affinity=-0.08),
    Rule("NPC_CONFRONTED", "other", "any", affinity=-0.15, trust=-0.1),
    Rule("NPC_GAVE_OBJECT", "other", "any", affinity=0.12, trust=0.08),
    Rule("NPC_TOOK_OBJECT", "other", "any", affinity=-0.2, trust=-0.25),
]


def test_deeds_move_the_opinions_of_those_they_are_done_to():
    deeds = [
        EventView("NPC_CONFRONTED", 1, {"target_id": 2}),
        EventView("NPC_GAVE_OBJECT", 3, {"receiver_id": 4, "object_id": 9}),
        EventView("NPC_TOOK_OBJECT", 5, {"object_id": 8, "owner_id": 6, "stolen": True}),
        EventView("NPC_TOOK_OBJECT", 7, {"object_id": 7, "owner_id": None, "stolen": False}),  # no one's
    ]
    changes = event_contacts(deeds, DEED_RULES, moods={})
    assert changes[(2, 1)].affinity < 0 and changes[(2, 1)].trust < 0  # quarrelled with
    assert changes[(1, 2)].affinity < 0  # the quarreller hardens too
    assert changes[(4, 3)].affinity > 0 and changes[(4, 3)].trust > 0  # given a gift
    assert changes[(6, 5)].affinity < 0 and changes[(6, 5)].trust < 0  # robbed
    assert set(changes) == {(2, 1), (1, 2), (4, 3), (6, 5)}


def test_witnesses_side_with_the_wronged_one_they_like():
    wrongs = [
        EventView("NPC_CONFRONTED", 1, {"target_id": 2}),
        EventView("NPC_TOOK_OBJECT", 5, {"owner_id": 6, "stolen": True}),
        EventView("NPC_GAVE_OBJECT", 1, {"receiver_id": 2}),  # no wrong: nobody takes sides
    ]
    witnesses = {0: [1, 2, 3, 4, 7], 1: [3, 5], 2: [3]}
    liking = {(3, 2): 0.6, (4, 2): 0.1, (7, 2): -0.5, (3, 6): 0.4}
    changes = siding_contacts(wrongs, witnesses, liking, sway=0.3, threshold=0.2)
    assert set(changes) == {(3, 1), (3, 5)}  # the friend of each wronged one, not the cool or the rival
    assert changes[(3, 1)].affinity == pytest.approx(-0.18) and changes[(3, 1)].trust == pytest.approx(-0.09)
    assert changes[(3, 5)].affinity == pytest.approx(-0.12)


def test_a_quarrel_before_a_friend_makes_two_rivals(town):
    """Off the tick: the one confronted and its friend who saw it both think worse of the
    quarreller; a bystander who does not care for the wronged one is unmoved."""
    from world.models import GameEvent

    a, b, c = town["people"]
    bystander, lukewarm = CharacterFactory(location=town["square"]), CharacterFactory(location=town["square"])
    Relationship.objects.create(character=c, other=b, affinity=0.7, familiarity=0.5, last_contact_tick=0)
    Relationship.objects.create(character=lukewarm, other=b, affinity=0.15, familiarity=0.5, last_contact_tick=0)
    # a friend who was not there hears nothing of it
    Relationship.objects.create(character=town["loner"], other=b, affinity=0.9, familiarity=0.5, last_contact_tick=0)
    event = GameEvent.objects.create(
        type="NPC_CONFRONTED", actor=a, location=town["square"], tick=1, payload={"target_id": b.pk}
    )
    relationships_from_events([event])
    assert Relationship.objects.get(character=b, other=a).affinity < 0
    assert Relationship.objects.get(character=c, other=a).affinity < 0
    for unmoved in (bystander, lukewarm, town["loner"]):
        assert not Relationship.objects.filter(character=unmoved, other=a).exists()


@pytest.mark.django_db
def test_those_who_like_a_person_are_read_off_the_person_faded_to_the_tick(settings, django_assert_num_queries):
    """Siding asks who likes the wronged ones, not what everyone in a crowd thinks of them."""
    from relationships.selectors import admirers_of

    settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS = 10
    place = LocationFactory()
    ann, bo, cy, di = (CharacterFactory(location=place) for _ in range(4))
    for holder, other, affinity, contact in (
        (ann, bo, 0.5, 100),
        (cy, bo, 0.5, 90),
        (di, bo, 0.15, 100),
        (bo, ann, 0.9, 100),
    ):
        Relationship.objects.create(character=holder, other=other, affinity=affinity, last_contact_tick=contact)

    with django_assert_num_queries(1):
        admirers = admirers_of([bo.id, cy.id], at_least=0.2, tick=100)

    # cy's liking has faded to 0.25 since tick 90 (one half-life); di's was never enough; bo's is of ann
    assert admirers == {bo.id: {ann.id: 0.5, cy.id: pytest.approx(0.25)}}
    assert admirers_of([bo.id], at_least=0.3, tick=100) == {bo.id: {ann.id: 0.5}}
    assert admirers_of([], at_least=0.2, tick=100) == {}


def test_a_siding_threshold_that_would_move_the_indifferent_is_refused():
    import subprocess
    import sys

    settings_check = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "htrae.settings", "RELATIONSHIP_SIDING_LIKING": "0"},
        capture_output=True,
        text=True,
    )
    assert settings_check.returncode != 0
    assert "RELATIONSHIP_SIDING_LIKING must be above 0" in settings_check.stderr


def test_gossip_off_the_tick_reaches_the_listeners_opinion(town):
    from world.models import GameEvent

    a, b, c = town["people"]
    event = GameEvent.objects.create(
        type="NPC_TALKED",
        actor=a,
        location=town["square"],
        tick=1,
        payload={"listener_id": b.pk, "about_id": town["loner"].pk, "about_affinity": 0.9},
    )
    relationships_from_events([event])
    heard = Relationship.objects.get(character=b, other=town["loner"])
    assert heard.familiarity > 0 and heard.affinity > 0
    assert not Relationship.objects.filter(character=c, other=town["loner"]).exists()


def test_a_decision_weighs_notable_opinions_and_a_passing_acquaintance_as_a_stranger(town):
    a, b, c = town["people"]
    loner = town["loner"]
    Relationship.objects.create(character=a, other=b, familiarity=NOTABLE / 2, last_contact_tick=0)
    Relationship.objects.create(character=a, other=c, affinity=-NOTABLE, familiarity=0.01, last_contact_tick=0)
    Relationship.objects.create(character=a, other=loner, familiarity=NOTABLE, last_contact_tick=0)
    assert set(regards_for([a.pk], tick=0)[a.pk]) == {c.pk, loner.pk}
    # an acquaintance faded below NOTABLE is still read (fading is the reader's, one rule)
    assert loner.pk in regards_for([a.pk], tick=5000)[a.pk]


def test_friends_are_sought_when_apart(town):
    a, b, c = town["people"]
    loner = town["loner"]
    Relationship.objects.create(character=a, other=loner, affinity=0.9, familiarity=0.5)
    Relationship.objects.create(character=a, other=b, affinity=0.4, familiarity=0.5)
    Relationship.objects.create(character=c, other=loner, affinity=SEEK_AFFINITY / 2, familiarity=0.5)
    intentions = friend_intentions(character_ids=[a.pk, b.pk, c.pk], tick=0, world_time=None)
    assert [i.character_id for i in intentions[a.pk]] == [loner.pk]  # the dearest
    assert c.pk not in intentions and b.pk not in intentions


def test_a_pair_is_unique_and_values_stay_in_range(town):
    a, b, _ = town["people"]
    Relationship.objects.create(character=a, other=b)
    for bad in ({"other": b}, {"other": a}, {"other": town["loner"], "affinity": 1.5}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Relationship.objects.create(character=a, **bad)


def test_relationship_writes_take_constant_queries(town, django_assert_max_num_queries):
    people = [*town["people"], town["loner"], *(CharacterFactory(location=town["lane"]) for _ in range(30))]
    few = {(people[0].pk, people[1].pk): Regard(familiarity=0.1)}
    many = {(a.pk, b.pk): Regard(affinity=0.01, familiarity=0.1) for a in people for b in people if a != b}
    with django_assert_max_num_queries(2):
        relationships_write(few, tick=1)
    with django_assert_max_num_queries(2):
        relationships_write(many, tick=2)
    assert Relationship.objects.count() == len(many)


def test_an_acquaintance_outlasts_the_contact_and_is_forgotten_after_long_silence():
    half_life = 1344.0

    def knows(familiarity, *, at, since=0):
        stored = Stored(Regard(familiarity=familiarity), since)
        return acquainted(stored, tick=at, threshold=0.1, familiarity_half_life=half_life)

    assert knows(0.1, at=0)  # told of them once: known now ...
    assert knows(0.1, at=48)  # ... and a day later, though familiarity has begun to fade
    assert knows(0.1, at=int(half_life) - 1)
    assert not knows(0.1, at=int(half_life) + 1)  # a familiarity half-life of silence: forgotten
    assert not knows(0.0975, at=0)  # an hour side by side (two ticks) is not yet an acquaintance
    three_ticks = moved(
        moved(moved(Regard(), Regard(familiarity=0.05)), Regard(familiarity=0.05)), Regard(familiarity=0.05)
    )
    assert knows(three_ticks.familiarity, at=0)  # an hour and a half is


def test_acquaintance_density_counts_pairs_that_know_each_other(town, settings):
    a, b, c = town["people"]
    threshold = settings.RELATIONSHIP_ACQUAINTED_FAMILIARITY
    Relationship.objects.create(character=a, other=b, familiarity=threshold)
    Relationship.objects.create(character=b, other=a, familiarity=threshold)  # the same pair
    Relationship.objects.create(character=a, other=c, familiarity=threshold / 2)  # not yet
    assert acquaintance_density(tick=0) == pytest.approx(1 / 6)  # 4 NPCs: 6 pairs


# --- The player's own relationships, and only theirs ----------------------------------------


def test_the_api_shows_a_player_their_own_relationships_only(town, api_client):
    player = PlayerFactory(location=town["square"])
    other_player = PlayerFactory(location=town["square"])
    npc = town["people"][0]
    Relationship.objects.create(character=player, other=npc, affinity=0.3, familiarity=0.4)
    Relationship.objects.create(character=npc, other=player, affinity=-0.6, familiarity=0.4)
    Relationship.objects.create(character=other_player, other=npc, affinity=0.9, familiarity=0.9)
    api_client.force_authenticate(player.user)

    own = api_client.get(f"/api/character/{player.pk}").json()
    assert [(r["character"]["id"], r["affinity"]) for r in own["relationships"]] == [(npc.pk, 0.3)]
    for someone in (npc, other_player):
        body = api_client.get(f"/api/character/{someone.pk}").json()
        assert body["id"] == someone.pk and "relationships" not in body
    assert api_client.get("/api/character/999999").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/character/{player.pk}").status_code == 401


def test_a_player_speaking_moves_opinions_as_mind_work(town):
    """An answer to a player (NPC_TALKED to them) moves both opinions after the action commits."""
    player = PlayerFactory(location=town["square"])
    npc = town["people"][0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        player_action_apply(
            character_id=player.pk,
            request_id="r-1",
            action="interact",
            data={"target": {"type": "character", "id": npc.pk}},
        )
    assert Relationship.objects.filter(character=npc, other=player, familiarity__gt=0).exists()
    assert Relationship.objects.filter(character=player, other=npc, familiarity__gt=0).exists()


# --- The seed --------------------------------------------------------------------------------


def test_the_seed_sets_starting_relationships_both_ways(seeded_world):
    rhosyn, varo = Character.objects.get(slug="rhosyn-blackthorn"), Character.objects.get(slug="varo-kesh")
    assert Relationship.objects.get(character=rhosyn, other=varo).affinity == -0.7
    assert Relationship.objects.get(character=varo, other=rhosyn).affinity == -0.8
    from narrative.seeding.loader import seed_world

    assert seed_world().changed == 0  # a second run writes nothing


def test_a_factions_members_start_out_knowing_each_other(seeded_world):
    thorns = list(Character.objects.filter(faction__slug="thornwake", kind=Character.Kind.NPC).order_by("id"))
    assert len(thorns) >= 3
    for holder in thorns:
        for other in thorns:
            if holder != other:
                assert Relationship.objects.get(character=holder, other=other).familiarity >= 0.5
    # a pair the designers wrote overrides the fellowship: the thorn-sworn know each other best
    rhosyn, dace = Character.objects.get(slug="rhosyn-blackthorn"), Character.objects.get(slug="dace-holloway")
    assert Relationship.objects.get(character=rhosyn, other=dace).familiarity == 0.8
    # no fellowship across factions
    kesh = Character.objects.get(slug="varo-kesh")
    assert not Relationship.objects.filter(character=dace, other=kesh).exists()


def test_the_seed_refuses_a_broken_fellowship(tmp_path, db):
    from narrative.seeding.loader import SeedError, seed_file_load, seed_world

    data = seed_file_load()
    data["factions"][0]["fellowship"] = {"familiarity": 1.5}
    data["factions"][1]["fellowship"] = "close"
    import yaml

    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SeedError) as refused:
        seed_world(path=path)
    message = str(refused.value)
    assert "fellowship: familiarity must be a number from 0 to 1" in message
    assert "fellowship must be a mapping" in message
    assert not Relationship.objects.exists()


def test_the_seed_refuses_a_broken_relationship(tmp_path):
    from narrative.seeding.loader import SeedError, seed_file_load, seed_world

    data = seed_file_load()
    data["relationships"] = [
        {"from": "oren-vael", "to": "nobody"},
        {"from": "oren-vael", "to": "oren-vael"},
        {"from": "oren-vael", "to": "spectra", "affinity": 3},
    ]
    import yaml

    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SeedError) as refused:
        seed_world(path=path)
    message = str(refused.value)
    assert "unknown character 'nobody'" in message
    assert "two different characters" in message
    assert "affinity must be a number from -1 to 1" in message


@pytest.mark.django_db
def test_stored_opinions_are_read_for_exactly_the_pairs_asked_for():
    place = LocationFactory()
    ann, bo, cy = (CharacterFactory(location=place) for _ in range(3))
    for holder, other, affinity in ((ann, bo, 0.5), (ann, cy, -0.25), (bo, ann, 0.1)):
        Relationship.objects.create(character=holder, other=other, affinity=affinity, last_contact_tick=7)

    stored = stored_for_pairs([(ann.id, bo.id), (bo.id, ann.id), (cy.id, ann.id), (ann.id, bo.id)])

    # ann's opinion of cy is not asked for; cy holds none of ann
    assert sorted(stored) == sorted([(ann.id, bo.id), (bo.id, ann.id)])
    assert stored[(ann.id, bo.id)].regard.affinity == 0.5 and stored[(ann.id, bo.id)].last_contact_tick == 7

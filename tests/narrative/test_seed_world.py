"""The Htrae seed world: what it holds, that loading it twice changes nothing, and that a
broken seed file is refused with every problem named."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from memory.models import Memory
from narrative.models import Faction, FactionRelation, LoreEntry, Quest
from narrative.seeding.loader import SeedError, generated_npcs_add, seed_world
from world.models import Character, Location, RoutineSlot, WorldClock, WorldObject
from world.models import Path as MapPath

pytestmark = pytest.mark.django_db


def all_rows_updated_at():
    models = [Location, MapPath, Faction, FactionRelation, Character, WorldObject, LoreEntry, Quest, Memory]
    return {model.__name__: dict(model.objects.values_list("pk", "updated_at")) for model in models}


def test_the_seed_world_has_what_the_world_needs(seeded_world):
    assert Character.objects.filter(kind=Character.Kind.SPECTRA).count() == 1
    assert Character.objects.filter(kind=Character.Kind.NPC).count() >= 20
    assert Faction.objects.count() >= 4
    assert {"luminari", "verdant-accord"} <= set(Faction.objects.values_list("slug", flat=True))
    assert Location.objects.count() >= 12
    assert LoreEntry.objects.count() >= 20
    assert Quest.objects.count() >= 6
    assert all(quest.steps.exists() for quest in Quest.objects.all())
    assert Location.objects.filter(is_starting_location=True).count() == 1
    clock = WorldClock.objects.get()
    assert clock.world_time.year == 1247 and clock.tick == 0


def test_characters_begin_with_memories(seeded_world):
    spectra = Character.objects.get(kind=Character.Kind.SPECTRA)
    assert Memory.objects.filter(character=spectra).count() >= 5
    assert Memory.objects.filter(character__kind=Character.Kind.NPC).count() >= 5
    assert set(Memory.objects.values_list("type", flat=True)) == {"short_term", "long_term", "emotional"}


def test_every_pair_of_factions_has_a_relation_both_ways(seeded_world):
    factions = list(Faction.objects.values_list("id", flat=True))
    pairs = set(FactionRelation.objects.values_list("faction_id", "other_id"))
    assert pairs == {(a, b) for a in factions for b in factions if a != b}


def test_npcs_have_personalities_and_goals(seeded_world):
    for npc in Character.objects.filter(kind=Character.Kind.NPC):
        assert npc.personality and npc.goals, npc.slug
        assert npc.description


def test_the_map_is_connected(seeded_world):
    neighbours = {location_id: set() for location_id in Location.objects.values_list("id", flat=True)}
    for source, target, two_way in MapPath.objects.values_list("source_id", "target_id", "two_way"):
        neighbours[source].add(target)
        if two_way:
            neighbours[target].add(source)
    for start in neighbours:
        reached, frontier = {start}, [start]
        while frontier:
            for nxt in neighbours[frontier.pop()] - reached:
                reached.add(nxt)
                frontier.append(nxt)
        assert reached == set(neighbours), "every place can be reached from every other"


def test_seeding_twice_changes_nothing_the_second_time(seeded_world):
    before = all_rows_updated_at()

    second = seed_world()

    assert second.changed == 0
    assert all_rows_updated_at() == before


def test_reseeding_restores_what_the_file_says_and_only_that(seeded_world):
    npc = Character.objects.filter(kind=Character.Kind.NPC).first()
    original_name = npc.name
    Character.objects.filter(pk=npc.pk).update(name="Renamed by hand")

    report = seed_world()

    assert report.changed == 1
    npc.refresh_from_db()
    assert npc.name == original_name


def test_if_empty_keeps_designers_edits(seeded_world):
    Location.objects.filter(slug="lanternfall-commons").update(description="Edited by a designer.")

    report = seed_world(only_if_empty=True)

    assert report.skipped
    assert Location.objects.get(slug="lanternfall-commons").description == "Edited by a designer."


def test_seed_command_reports_and_is_idempotent():
    out = StringIO()
    call_command("seed_world", stdout=out)
    assert "Seeded the world of Htrae" in out.getvalue()

    out = StringIO()
    call_command("seed_world", stdout=out)
    assert "nothing changed" in out.getvalue()

    out = StringIO()
    call_command("seed_world", "--if-empty", stdout=out)
    assert "left as it is" in out.getvalue()


def test_generated_npcs_are_added_in_batches_with_unique_slugs(seeded_world):
    before = Character.objects.count()
    batches = []

    added = generated_npcs_add(count=250, batch_size=100, on_batch=batches.append)
    generated_npcs_add(count=10)

    assert added == 250 and batches == [100, 100, 50]
    assert Character.objects.count() == before + 260
    generated = Character.objects.filter(slug__startswith="gen-")
    assert generated.values("slug").distinct().count() == 260
    assert set(generated.values_list("location_id", flat=True)) <= set(Location.objects.values_list("id", flat=True))
    assert all(npc.personality and npc.goals for npc in generated[:20])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
def test_the_planner_knows_the_grown_world_as_soon_as_the_npcs_are_added(seeded_world):
    """Planned as the seed world's few dozen characters, the first ticks of a world grown to
    100,000 read it with plans made for 27 rows, until autovacuum came by."""

    def characters_the_planner_counts() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'world_character'::regclass")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE world_character")
    assert characters_the_planner_counts() < 100

    generated_npcs_add(count=3000)

    assert characters_the_planner_counts() == Character.objects.count()


def test_generated_npcs_follow_the_world_seed(seeded_world):
    generated_npcs_add(count=5)
    first = list(Character.objects.filter(slug__startswith="gen-").values_list("name", "location_id", "goals"))
    Character.objects.filter(slug__startswith="gen-").delete()

    generated_npcs_add(count=5)
    again = list(Character.objects.filter(slug__startswith="gen-").values_list("name", "location_id", "goals"))

    assert first == again


def test_npcs_option_on_an_empty_world_seeds_it_first():
    call_command("seed_world", "--npcs", "30", stdout=StringIO(), stderr=StringIO())

    assert Character.objects.filter(slug__startswith="gen-").count() == 30
    assert Character.objects.filter(kind=Character.Kind.SPECTRA).exists()


def test_negative_npcs_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        call_command("seed_world", "--npcs", "-3")


@pytest.fixture
def seed_data():
    return yaml.safe_load(Path(settings.SEED_WORLD_FILE).read_text(encoding="utf-8"))


def write_seed(tmp_path, data) -> Path:
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_broken_seed_file_names_every_problem_and_writes_nothing(tmp_path, seed_data):
    seed_data["npcs"][0]["location"] = "atlantis"
    seed_data["quests"][0]["steps"][0] = {"type": "talk_to", "objective": "Talk.", "character": "nobody"}
    seed_data["faction_relations"].pop()
    seed_data["locations"][1]["starting"] = True

    with pytest.raises(SeedError) as error:
        seed_world(path=write_seed(tmp_path, seed_data))

    message = str(error.value)
    assert "unknown location 'atlantis'" in message
    assert "unknown character 'nobody'" in message
    assert "no relation between" in message
    assert "exactly one must be 'starting: true'" in message
    assert Location.objects.count() == 0


def test_seed_data_that_breaks_a_rule_rolls_back_whole(tmp_path, seed_data):
    seed_data["npcs"][-1]["energy"] = 500

    with pytest.raises(SeedError, match="energy"):
        seed_world(path=write_seed(tmp_path, seed_data))

    assert Location.objects.count() == 0
    assert Character.objects.count() == 0


def test_unreadable_seed_files_are_refused_clearly(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("locations: [unclosed", encoding="utf-8")
    with pytest.raises(SeedError, match="not valid YAML"):
        seed_world(path=bad)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("seed_world", "--file", str(tmp_path / "missing.yaml"))


def test_quest_templates_chain_as_the_seed_says_and_a_broken_chain_is_named(tmp_path, seed_data, db):
    from narrative.models import QuestTemplate

    seed_world(path=write_seed(tmp_path, seed_data))
    chains = dict(QuestTemplate.objects.filter(leads_to__isnull=False).values_list("slug", "leads_to__slug"))
    assert chains == {
        "mend-ties": "seal-the-peace",
        "watch-the-enemy": "sound-the-alarm",
        "uncover-a-secret": "confront-the-keeper",
    }

    by_slug = {row["slug"]: row for row in seed_data["quest_templates"]}
    by_slug["mend-ties"]["leads_to"] = "nowhere"
    by_slug["watch-the-enemy"]["leads_to"] = "confront-the-keeper"
    with pytest.raises(SeedError) as error:
        seed_world(path=write_seed(tmp_path, seed_data))
    assert "quest template 'mend-ties': leads_to names no template ('nowhere')" in str(error.value)
    assert "quest template 'watch-the-enemy': leads_to 'confront-the-keeper' has another trigger" in str(error.value)


def _slot_place(slug, activity):
    return RoutineSlot.objects.get(character__slug=slug, activity=activity).location.slug


def test_evenings_are_spent_with_another_circle_than_middays(tmp_path, seed_data):
    """A faction's evening place comes from `evenings`, an NPC's own `evening:` wins, and with no
    entry the evening is spent where the midday was."""
    routines = seed_data["routines"]
    routines["evenings"] = {"luminari": "tallow-and-tide"}
    luminari = [npc for npc in seed_data["npcs"] if npc.get("faction") == "luminari"]
    luminari[0]["evening"] = "glass-market"
    unaligned = next(npc for npc in seed_data["npcs"] if not npc.get("faction"))

    seed_world(path=write_seed(tmp_path, seed_data))

    assert _slot_place(luminari[0]["slug"], "gather") == "glass-market"
    assert _slot_place(luminari[1]["slug"], "gather") == "tallow-and-tide"
    assert _slot_place(luminari[1]["slug"], "eat") == routines["gatherings"]["luminari"]
    assert _slot_place(unaligned["slug"], "gather") == _slot_place(unaligned["slug"], "eat")


def test_the_shipped_evenings_cross_the_midday_circles(seeded_world):
    """Every evening place draws people from more than one midday circle (or is one faction's
    own), so lunches and evenings together reach across the town."""
    circles = {}
    for slot in RoutineSlot.objects.filter(character__kind=Character.Kind.NPC, activity__in=("eat", "gather")):
        circles.setdefault(slot.character_id, {})[slot.activity] = slot.location_id
    evenings = {}
    for places in circles.values():
        evenings.setdefault(places["gather"], set()).add(places["eat"])
    assert sum(len(middays) > 1 for middays in evenings.values()) >= 3


def test_an_unknown_evening_place_is_named(tmp_path, seed_data):
    seed_data["routines"]["evenings"] = {"luminari": "atlantis"}
    seed_data["npcs"][0]["evening"] = "lemuria"

    with pytest.raises(SeedError) as error:
        seed_world(path=write_seed(tmp_path, seed_data))

    assert "unknown location 'atlantis'" in str(error.value)
    assert "unknown location 'lemuria'" in str(error.value)

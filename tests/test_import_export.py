"""The admin's import and export of lore, NPCs, factions and quests (django-import-export):
a preview first, then all or nothing: one bad row and the file imports nothing."""

import io
import json

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.urls import reverse

from narrative.models import Faction, LoreEntry, Quest
from narrative.resources import FactionResource, LoreEntryResource, QuestResource
from tests.factories import CharacterFactory, FactionFactory, LocationFactory, LoreEntryFactory, UserFactory
from world.models import Character
from world.resources import NpcResource

pytestmark = pytest.mark.django_db

LORE_CSV = (
    "slug,title,category,summary,body,factions,locations,characters\n"
    "the-first-lamp,The First Lamp,history,How the lamps were lit.,Long ago...,luminari,sunspire,\n"
    "prism-song,The Prism Song,myth,A song.,La la.,,,oren\n"
)


@pytest.fixture
def world(db):
    sunspire = LocationFactory(name="Sunspire", slug="sunspire", is_starting_location=True)
    luminari = FactionFactory(name="Luminari", slug="luminari")
    oren = CharacterFactory(name="Oren", slug="oren", location=sunspire, faction=luminari)
    return {"sunspire": sunspire, "luminari": luminari, "oren": oren}


def import_csv(resource, text, *, dry_run=False):
    return resource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=dry_run)


def test_lore_imports_with_its_links_by_slug(world):
    result = import_csv(LoreEntryResource, LORE_CSV)
    assert not result.has_errors() and not result.has_validation_errors()
    lamp = LoreEntry.objects.get(slug="the-first-lamp")
    assert list(lamp.factions.all()) == [world["luminari"]] and list(lamp.locations.all()) == [world["sunspire"]]
    assert list(LoreEntry.objects.get(slug="prism-song").characters.all()) == [world["oren"]]


@pytest.mark.parametrize(
    "bad_row",
    [
        "broken,Broken,not-a-category,,Body.,,,",  # a category that is none
        "broken,Broken,myth,,Body.,no-such-faction,,",  # a faction nobody knows
        "broken,Broken,myth,,,,,",  # no body
    ],
)
def test_one_bad_lore_row_imports_nothing(world, bad_row):
    result = import_csv(LoreEntryResource, LORE_CSV + bad_row + "\n")
    assert result.has_errors() or result.has_validation_errors()
    assert not LoreEntry.objects.exists()


def test_npcs_round_trip_as_json_and_bad_scores_are_refused(world):
    CharacterFactory(slug="ysolde", name="Ysolde", location=world["sunspire"], personality={"openness": 0.7})
    exported = json.loads(NpcResource().export().json)
    assert {row["slug"] for row in exported} == {"oren", "ysolde"}
    ysolde = next(row for row in exported if row["slug"] == "ysolde")
    assert ysolde["location"] == "sunspire" and json.loads(ysolde["personality"]) == {"openness": 0.7}

    ysolde["personality"] = json.dumps({"openness": 0.2})
    ysolde["needs"] = json.dumps({"rest": 0.5})
    result = NpcResource().import_data(tablib.Dataset().load(json.dumps(exported), format="json"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Character.objects.get(slug="ysolde").personality == {"openness": 0.2}

    for field, value in (
        ("personality", json.dumps({"openness": 1.5})),
        ("personality", json.dumps({"charm": 0.5})),
        ("needs", json.dumps({"rest": "lots"})),
        ("goals", json.dumps({"not": "a list"})),
        ("energy", "140"),
        ("kind", "player"),
    ):
        rows = [dict(row) for row in exported]
        rows[0][field] = value
        rows[1]["description"] = "Changed in the same file."
        result = NpcResource().import_data(tablib.Dataset().load(json.dumps(rows), format="json"))
        assert result.has_validation_errors() or result.has_errors(), field
        assert Character.objects.get(slug="ysolde").personality == {"openness": 0.2}
        assert not Character.objects.filter(description="Changed in the same file.").exists(), field


def test_npc_export_leaves_players_out_and_import_cannot_take_a_players_slug(world):
    from tests.factories import PlayerFactory

    player = PlayerFactory(slug="player-9", location=world["sunspire"])
    assert "player-9" not in NpcResource().export().csv
    result = import_csv(NpcResource, "slug,name,kind,location\nplayer-9,Impostor,npc,sunspire\n")
    assert result.has_validation_errors()
    player.refresh_from_db()
    assert player.kind == Character.Kind.PLAYER and player.name != "Impostor"


def test_factions_and_quests_export_and_import_by_slug(world):
    faction_csv = FactionResource().export().csv
    Faction.objects.all().delete()
    assert not import_csv(FactionResource, faction_csv).has_errors()
    assert Faction.objects.get(slug="luminari").name == "Luminari"

    quest_csv = (
        "slug,title,description,status,giver,faction,rewards\n"
        "lamps,The Lamps,Relight them.,available,oren,luminari,{}\n"
    )
    assert not import_csv(QuestResource, quest_csv).has_errors()
    quest = Quest.objects.get(slug="lamps")
    assert quest.giver == world["oren"] and quest.faction == Faction.objects.get(slug="luminari")
    assert "lamps,The Lamps" in QuestResource().export().csv


def test_the_admin_previews_then_imports_a_lore_file(designer_client, world):
    upload = io.BytesIO(LORE_CSV.encode())
    upload.name = "lore.csv"
    url = reverse("admin:narrative_loreentry_import")
    preview = designer_client.post(url, {"resource": 0, "format": 0, "import_file": upload})
    assert preview.status_code == 200
    assert not LoreEntry.objects.exists()  # a preview only
    confirm = preview.context["confirm_form"]
    assert "The First Lamp" in preview.content.decode()

    done = designer_client.post(reverse("admin:narrative_loreentry_process_import"), confirm.initial)
    assert done.status_code == 302
    assert set(LoreEntry.objects.values_list("slug", flat=True)) == {"the-first-lamp", "prism-song"}


def test_the_admin_shows_bad_rows_and_offers_no_confirm(designer_client, world):
    upload = io.BytesIO((LORE_CSV + "broken,Broken,not-a-category,,Body.,,,\n").encode())
    upload.name = "lore.csv"
    preview = designer_client.post(
        reverse("admin:narrative_loreentry_import"), {"resource": 0, "format": 0, "import_file": upload}
    )
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    assert "not-a-category" in preview.content.decode()
    assert not LoreEntry.objects.exists()


def test_export_needs_view_and_import_needs_change(client, world):
    LoreEntryFactory()
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_loreentry"))
    client.force_login(reader)
    assert client.get(reverse("admin:narrative_loreentry_export")).status_code == 200
    assert client.get(reverse("admin:narrative_loreentry_import")).status_code == 403

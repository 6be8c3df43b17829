"""Lore, factions and quests as CSV or JSON rows in the admin (django-import-export).
Related rows are named by slug, so a file moves between worlds whose ids differ."""

from __future__ import annotations

from import_export import fields

from htrae.resources import JsonOrDefaultWidget, SlugResource, SlugsWidget, SlugWidget
from narrative.models import Faction, LoreEntry, Quest
from world.models import Character, Location


class FactionResource(SlugResource):
    home = fields.Field("home", "home", SlugWidget(Location))
    goals = fields.Field("goals", "goals", JsonOrDefaultWidget([]))

    class Meta(SlugResource.Meta):
        model = Faction
        fields = ("slug", "name", "description", "ethos", "status", "goals", "power", "color", "home")


class LoreEntryResource(SlugResource):
    factions = fields.Field("factions", "factions", SlugsWidget(Faction))
    locations = fields.Field("locations", "locations", SlugsWidget(Location))
    characters = fields.Field("characters", "characters", SlugsWidget(Character))

    class Meta(SlugResource.Meta):
        model = LoreEntry
        fields = ("slug", "title", "category", "summary", "body", "factions", "locations", "characters")


class QuestResource(SlugResource):
    """A quest's own fields; its steps are edited on its page (they are not in the file)."""

    giver = fields.Field("giver", "giver", SlugWidget(Character))
    faction = fields.Field("faction", "faction", SlugWidget(Faction))
    rewards = fields.Field("rewards", "rewards", JsonOrDefaultWidget({}))

    class Meta(SlugResource.Meta):
        model = Quest
        fields = ("slug", "title", "description", "status", "giver", "faction", "rewards")

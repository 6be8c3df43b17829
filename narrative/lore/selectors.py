"""Reads of lore: the entries a reader may see (secrets only once discovered)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from narrative.models import Faction, LoreDiscovery, LoreEntry
from world.models import Character, Location


def lore_visible_qs(*, user, character: Character | None) -> QuerySet[LoreEntry]:
    """The entries `user` may read: everything for staff; for others, all but the secrets
    their character has not discovered."""
    entries = LoreEntry.objects.all()
    if user.is_staff or user.is_superuser:
        return entries
    if character is None:
        return entries.exclude(category=LoreEntry.Category.SECRET)
    known = LoreDiscovery.objects.filter(entry_id=OuterRef("pk"), character_id=character.id)
    return entries.filter(~Q(category=LoreEntry.Category.SECRET) | Exists(known))


def lore_list(*, user, character: Character | None, search: str = "", category: str = "") -> QuerySet[LoreEntry]:
    """Visible entries matching `search` (title, summary or body) and `category`, by title."""
    entries = lore_visible_qs(user=user, character=character)
    if category:
        entries = entries.filter(category=category)
    if search:
        entries = entries.filter(Q(title__icontains=search) | Q(summary__icontains=search) | Q(body__icontains=search))
    return entries.prefetch_related(
        Prefetch("factions", queryset=Faction.objects.only("id", "slug", "name")),
        Prefetch("locations", queryset=Location.objects.only("id", "slug", "name")),
    ).order_by("title", "id")


def lore_get(*, user, character: Character | None, slug: str) -> LoreEntry | None:
    return lore_list(user=user, character=character).filter(slug=slug).first()

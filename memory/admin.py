"""The designers' admin for memories, and a character's recent memories on its page."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join

from htrae.admin_tools import ReadOnlyAdmin, RecentRowsInline, see_all_link
from memory.models import Belief, Memory
from world.admin import CharacterAdmin


@admin.register(Memory)
class MemoryAdmin(admin.ModelAdmin):
    list_display = ["short_content", "character", "type", "importance_score", "timestamp", "last_accessed_at"]
    list_select_related = ["character"]
    list_filter = ["type"]
    search_fields = ["content", "character__name"]
    autocomplete_fields = ["character"]
    raw_id_fields = ["source_event", "sources"]  # a select of every memory would load them all
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="content")
    def short_content(self, memory: Memory) -> str:
        return memory.content if len(memory.content) <= 80 else memory.content[:77] + "…"


@admin.register(Belief)
class BeliefAdmin(ReadOnlyAdmin):
    """Characters' beliefs and their history: written by reflection, never edited by hand
    (a revision adds a row pointing to the one it replaced)."""

    list_display = ["statement", "character", "stance", "confidence", "revision", "origin", "is_current", "tick"]
    list_select_related = ["character"]
    list_filter = ["is_current", "subject_kind", "stance", "revision", "origin"]
    search_fields = ["statement", "subject_name", "character__name"]
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = ["cited_memories"]

    @admin.display(description="cited memories")
    def cited_memories(self, belief: Belief):
        memories = Memory.objects.filter(id__in=belief.cited_memory_ids or []).order_by("-id")
        rows = [(memory.id, memory.content) for memory in memories]
        return format_html_join("", "<p>#{} {}</p>", rows) or "(all forgotten)"


class RecentBeliefInline(RecentRowsInline):
    model = Belief
    fk_name = "character"
    fields = ["statement", "stance", "confidence", "revision", "is_current", "tick"]
    readonly_fields = fields
    max_rows = 10
    verbose_name_plural = "beliefs (the 10 newest)"
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_ordering(self, request):
        return ["-tick", "-id"]


def character_memories_link(character) -> str:
    return see_all_link(Memory, "memories (newest first, a page at a time)", character__id__exact=character.pk)


# The memory app adds to the world's character page (world knows nothing of memory): a link
# to the character's memories (a character may hold thousands) and its newest beliefs.
CharacterAdmin.inlines = [*CharacterAdmin.inlines, RecentBeliefInline]
CharacterAdmin.character_links = [*CharacterAdmin.character_links, character_memories_link]

"""The designers' admin for memories, and a character's recent memories on its page."""

from __future__ import annotations

from django.contrib import admin

from htrae.admin_tools import RecentRowsInline
from memory.models import Memory
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


class RecentMemoryInline(RecentRowsInline):
    model = Memory
    fk_name = "character"
    fields = ["content", "type", "importance_score", "timestamp"]
    max_rows = 20
    verbose_name_plural = "recent memories (the 20 newest)"

    def get_ordering(self, request):
        return ["-timestamp", "-id"]


# The memory app adds its inline to the world's character page (world knows nothing of memory).
CharacterAdmin.inlines = [*CharacterAdmin.inlines, RecentMemoryInline]

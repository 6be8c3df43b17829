"""Who knows what, for designers: read-only (the world writes it as characters talk)."""

from __future__ import annotations

from django.contrib import admin

from gossip.models import Knowledge
from htrae.admin_tools import ReadOnlyAdmin


@admin.register(Knowledge)
class KnowledgeAdmin(ReadOnlyAdmin):
    list_display = ["character", "key", "kind", "short_text", "learned_tick", "told_by", "source"]
    list_select_related = ["character", "told_by"]
    list_filter = ["kind", "source"]
    search_fields = ["key", "text", "subject", "character__name"]
    raw_id_fields = ["character", "told_by", "location", "faction"]
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="text")
    def short_text(self, knowledge: Knowledge) -> str:
        return knowledge.text if len(knowledge.text) <= 80 else knowledge.text[:77] + "…"

"""The designers' admin for Spectra: the emotion table (tunable), her goals, her mind and
the emotional history (read-only)."""

from __future__ import annotations

from django.contrib import admin

from htrae.admin_tools import ReadOnlyAdmin
from spectra.emotion import mood_ring
from spectra.models import AppraisalRule, EmotionSample, EmotionType, SpectraGoal, SpectraMind, Standard
from world.admin_forms import register_mood_color


@admin.register(EmotionType)
class EmotionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "pleasure", "arousal", "dominance", "description"]
    list_editable = ["pleasure", "arousal", "dominance"]
    search_fields = ["name", "description"]


@admin.register(AppraisalRule)
class AppraisalRuleAdmin(admin.ModelAdmin):
    list_display = ["event_type", "role", "applies_to", "condition", "emotion", "intensity", "is_active", "note"]
    list_editable = ["intensity", "is_active"]
    list_filter = ["role", "applies_to", "condition", "is_active", "emotion"]
    list_select_related = ["emotion"]
    search_fields = ["event_type", "note", "emotion__name"]
    autocomplete_fields = ["emotion"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    """The norms deeds are judged by (praiseworthiness): a faction's, or a personality trait's."""

    list_display = ["event_type", "faction", "trait", "praise", "note"]
    list_editable = ["praise"]
    list_filter = ["faction", "trait"]
    list_select_related = ["faction"]
    search_fields = ["event_type", "note"]


@admin.register(SpectraGoal)
class SpectraGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "priority", "progress", "status"]
    list_editable = ["priority", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["character"]


@admin.register(SpectraMind)
class SpectraMindAdmin(ReadOnlyAdmin):
    list_display = ["character", "updated_at"]
    list_select_related = ["character"]
    readonly_fields = ["character", "thoughts", "expression", "expression_log", "updated_at"]
    exclude = ["status_fingerprint"]


@admin.register(EmotionSample)
class EmotionSampleAdmin(ReadOnlyAdmin):
    list_display = ["character", "tick", "world_time", "mood", "pleasure", "arousal", "dominance", "intensity", "cause"]
    list_select_related = ["character"]
    list_filter = ["mood"]
    search_fields = ["=tick", "cause"]
    raw_id_fields = ["character"]
    show_full_result_count = False


def _mood_ring_color(emotional_state: dict) -> str:
    """A stored feeling's Mood Ring colour, as the viewer shows it."""
    return mood_ring(emotional_state["mood"], float(emotional_state.get("intensity") or 0.0))["hex"]


# The world's admin shows each character's mood in its colour (world knows nothing of spectra).
register_mood_color(_mood_ring_color)

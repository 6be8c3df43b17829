"""The designers' admin for relationships: every opinion (filtered by kind, faction and how
well they know each other), a character's own on its page, and the rules that move them."""

from __future__ import annotations

from django.contrib import admin

from htrae.admin_tools import RecentRowsInline
from relationships.models import Relationship, RelationshipRule
from world.admin import CharacterAdmin


class FamiliarityFilter(admin.SimpleListFilter):
    title = "familiarity (as last met)"
    parameter_name = "known"

    def lookups(self, request, model_admin):
        return [
            ("strangers", "strangers (< 0.1)"),
            ("acquainted", "acquainted (0.1 to 0.5)"),
            ("close", "close (≥ 0.5)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "strangers":
            return queryset.filter(familiarity__lt=0.1)
        if self.value() == "acquainted":
            return queryset.filter(familiarity__gte=0.1, familiarity__lt=0.5)
        if self.value() == "close":
            return queryset.filter(familiarity__gte=0.5)
        return queryset


class FeelingFilter(admin.SimpleListFilter):
    title = "affinity (as last met)"
    parameter_name = "feeling"

    def lookups(self, request, model_admin):
        return [("friends", "friends (≥ 0.3)"), ("rivals", "rivals (≤ -0.3)")]

    def queryset(self, request, queryset):
        if self.value() == "friends":
            return queryset.filter(affinity__gte=0.3)
        if self.value() == "rivals":
            return queryset.filter(affinity__lte=-0.3)
        return queryset


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["character", "other", "affinity", "trust", "familiarity", "last_contact_tick"]
    list_select_related = ["character", "other"]
    list_filter = [FeelingFilter, FamiliarityFilter, "character__kind", "character__faction"]
    search_fields = ["character__name", "other__name"]
    autocomplete_fields = ["character", "other"]
    show_full_result_count = False
    list_per_page = 50


@admin.register(RelationshipRule)
class RelationshipRuleAdmin(admin.ModelAdmin):
    list_display = ["event_type", "role", "mood_tone", "affinity", "trust", "familiarity", "is_active", "note"]
    list_filter = ["role", "mood_tone", "is_active"]
    search_fields = ["event_type", "note"]


class RelationshipInline(RecentRowsInline):
    model = Relationship
    fk_name = "character"
    fields = ["other", "affinity", "trust", "familiarity", "last_contact_tick"]
    readonly_fields = ["other"]
    select_related = ("other",)
    max_rows = 20
    verbose_name_plural = "relationships (the 20 most recently met; values as last met)"

    def get_ordering(self, request):
        return ["-last_contact_tick", "-id"]


# The relationships app adds its inline to the world's character page.
CharacterAdmin.inlines = [*CharacterAdmin.inlines, RelationshipInline]

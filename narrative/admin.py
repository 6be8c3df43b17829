"""The designers' admin for factions and their relations, quests and their steps, quest
holders, lore and conversations."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from htrae.admin_tools import CompactInline, RecentRowsInline, related_count
from htrae.resources import FILE_FORMATS
from narrative.models import (
    Conversation,
    ConversationMessage,
    Faction,
    FactionRelation,
    LoreDiscovery,
    LoreEntry,
    Quest,
    QuestAssignment,
    QuestStep,
    QuestTemplate,
    RelationModifier,
)
from narrative.quests.emergence import CHARACTER_ROLES, LOCATION_ROLES, TEXT_ROLES
from narrative.resources import FactionResource, LoreEntryResource, QuestResource
from world.admin import ColorInput
from world.models import Character


class FactionRelationInline(admin.TabularInline):
    model = FactionRelation
    fk_name = "faction"
    extra = 0
    fields = ["other", "standing", "note"]
    autocomplete_fields = ["other"]
    verbose_name = "how this faction regards another"
    verbose_name_plural = "relations (how this faction regards the others)"


@admin.register(Faction)
class FactionAdmin(ImportExportModelAdmin):
    resource_classes = [FactionResource]
    formats = FILE_FORMATS
    list_display = ["name", "slug", "status", "power", "home", "member_count"]
    list_select_related = ["home"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "ethos"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["home"]
    inlines = [FactionRelationInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "color":
            kwargs["widget"] = ColorInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=related_count(Character, "faction"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, faction: Faction) -> int:
        return faction.member_count


class RelationModifierInline(admin.TabularInline):
    model = RelationModifier
    fk_name = "relation"
    extra = 0
    fields = ["reason", "value", "started_tick", "duration_ticks", "decay"]
    verbose_name_plural = "opinion modifiers (added to the base standing while active)"


@admin.register(FactionRelation)
class FactionRelationAdmin(admin.ModelAdmin):
    inlines = [RelationModifierInline]
    list_display = ["__str__", "faction", "other", "standing", "note"]
    list_select_related = ["faction", "other"]
    list_filter = ["faction"]
    list_editable = ["standing"]
    autocomplete_fields = ["faction", "other"]
    search_fields = ["faction__name", "other__name", "note"]


class QuestStepInline(CompactInline):
    model = QuestStep
    extra = 0
    fields = [
        "order",
        "objective",
        "objective_type",
        "target_location",
        "target_character",
        "target_object",
        "wait_ticks",
        "event_type",
    ]
    autocomplete_fields = ["target_location", "target_character", "target_object"]
    ordering = ["order"]
    # Narrow columns: the steps fit a 1,400 px screen (the default widgets made them 2,170 px).
    column_widths = {
        "order": "3em",
        "objective": "11em",
        "objective_type": "8em",
        "target_location": "8em",
        "target_character": "8em",
        "target_object": "8em",
        "wait_ticks": "4em",
        "event_type": "7em",
    }
    textareas = ("objective",)


class QuestHolderInline(RecentRowsInline):
    """Who holds the quest, read-only here; each row links to its own page for edits."""

    model = QuestAssignment
    fk_name = "quest"
    fields = ["character", "status", "current_step", "step_started_tick"]
    readonly_fields = fields
    select_related = ("character", "current_step__quest")
    max_rows = 25
    verbose_name_plural = "holders (the 25 most recent; add or edit them under Quest assignments)"

    def get_ordering(self, request):
        return ["-updated_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Quest)
class QuestAdmin(ImportExportModelAdmin):
    resource_classes = [QuestResource]
    formats = FILE_FORMATS
    list_display = ["title", "slug", "status", "faction", "giver", "is_emergent", "step_count", "created_tick"]
    list_select_related = ["faction", "giver"]
    list_filter = ["status", "is_emergent", "template", "faction"]
    search_fields = ["title", "slug", "description", "origin_key"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["giver", "faction"]
    readonly_fields = ["template", "origin_key", "created_tick"]
    inlines = [QuestStepInline, QuestHolderInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=related_count(QuestStep, "quest"))

    @admin.display(description="steps", ordering="step_count")
    def step_count(self, quest: Quest) -> int:
        return quest.step_count


def _roles_help() -> str:
    lines = []
    for trigger in LOCATION_ROLES:
        lines.append(
            f"{trigger}: places {', '.join(LOCATION_ROLES[trigger])}; "
            f"people {', '.join(CHARACTER_ROLES[trigger])}; words {', '.join(TEXT_ROLES[trigger])}"
        )
    return " · ".join(lines)


@admin.register(QuestTemplate)
class QuestTemplateAdmin(admin.ModelAdmin):
    """Patterns for the quests the world starts by itself (see narrative/emergence.py)."""

    list_display = ["name", "slug", "trigger", "enabled", "open_quests", "cooldown_ticks", "max_active"]
    list_filter = ["trigger", "enabled"]
    list_editable = ["enabled"]
    search_fields = ["name", "slug", "title", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "trigger", "enabled"]}),
        ("Relation trigger", {"fields": ["standing_at_most", "standing_at_least"]}),
        ("The quest", {"fields": ["title", "description", "steps"], "description": "Roles: " + _roles_help()}),
        (
            "Outcome and pacing",
            {"fields": ["reward_standing", "failure_standing", "time_limit_ticks", "cooldown_ticks", "max_active"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(open_count=related_count(Quest, "template"))

    @admin.display(description="quests", ordering="open_count")
    def open_quests(self, template: QuestTemplate) -> int:
        return template.open_count


@admin.register(QuestStep)
class QuestStepAdmin(admin.ModelAdmin):
    """Searchable so that quest holders' current step can be picked by autocomplete."""

    list_display = ["__str__", "objective_type", "objective"]
    list_select_related = ["quest"]
    search_fields = ["quest__title", "objective"]
    autocomplete_fields = ["quest", "target_location", "target_character", "target_object"]

    def has_module_permission(self, request) -> bool:
        return False  # edited inside their quest; registered for autocomplete only


@admin.register(QuestAssignment)
class QuestAssignmentAdmin(admin.ModelAdmin):
    list_display = ["character", "quest", "status", "current_step", "deadline_tick", "updated_at"]
    list_select_related = ["character", "quest", "current_step__quest"]
    # Not by quest: the world writes new ones every few ticks, and the list would run on.
    list_filter = ["status", "quest__is_emergent", "quest__template"]
    search_fields = ["character__name", "quest__title"]
    autocomplete_fields = ["character", "quest", "current_step"]
    show_full_result_count = False


@admin.register(LoreEntry)
class LoreEntryAdmin(ImportExportModelAdmin):
    resource_classes = [LoreEntryResource]
    formats = FILE_FORMATS
    list_display = ["title", "slug", "category", "summary"]
    list_filter = ["category", "factions"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["factions", "locations", "characters"]


class MessageInline(RecentRowsInline):
    """The conversation's history: a log, read here, written by the world."""

    model = ConversationMessage
    fk_name = "conversation"
    fields = ["speaker", "text", "tick", "timestamp"]
    readonly_fields = fields
    select_related = ("speaker",)
    max_rows = 50
    show_change_link = False
    verbose_name_plural = "messages (the 50 most recent)"

    def get_ordering(self, request):
        return ["-id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "location", "started_tick", "message_count", "created_at"]
    list_select_related = ["location"]
    search_fields = ["topic"]
    autocomplete_fields = ["location", "participants"]
    inlines = [MessageInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(message_count=related_count(ConversationMessage, "conversation"))

    @admin.display(description="messages", ordering="message_count")
    def message_count(self, conversation: Conversation) -> int:
        return conversation.message_count


@admin.register(RelationModifier)
class RelationModifierAdmin(admin.ModelAdmin):
    list_display = ["relation", "reason", "value", "started_tick", "duration_ticks", "decay"]
    list_select_related = ["relation__faction", "relation__other"]
    search_fields = ["reason", "relation__faction__name", "relation__other__name"]
    raw_id_fields = ["relation"]
    show_full_result_count = False


@admin.register(LoreDiscovery)
class LoreDiscoveryAdmin(admin.ModelAdmin):
    list_display = ["character", "entry", "discovered_tick", "discovered_at"]
    list_select_related = ["character", "entry"]
    list_filter = ["entry__category"]
    search_fields = ["character__name", "entry__title"]
    autocomplete_fields = ["character", "entry"]
    show_full_result_count = False

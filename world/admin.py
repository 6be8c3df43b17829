"""The designers' admin for the world: locations and their paths, objects, characters, the
world clock, and a read-only view of game events.

Every foreign key to a large table is an autocomplete (no unbounded dropdowns) and every
changelist selects its related rows in the same query, so pages stay fast at 100,000
characters.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.urls import path
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin

from htrae.admin_tools import CompactInline, ReadOnlyAdmin, RecentRowsInline, related_count, see_all_link
from htrae.resources import FILE_FORMATS
from htrae.vocabulary import PERSONALITY_TRAITS
from world import admin_grammar, services  # noqa: F401  (admin_grammar registers the talk grammar's admin)
from world.admin_dashboard import DASHBOARD_URL_NAME, world_dashboard_view
from world.admin_forms import CharacterAdminForm, mood_badge, need_field_name, trait_field_name
from world.autonomy.state import NEED_NAMES
from world.models import Character, CharacterGoal, GameEvent, Location, Path, RoutineSlot, WorldClock, WorldObject
from world.resources import NpcResource


class RegionFilter(admin.SimpleListFilter):
    """Filter by the region of the row's location, listing regions from the few locations
    rather than scanning the (possibly huge) filtered table for distinct values."""

    title = "region"
    parameter_name = "region"
    location_field = "location"

    def lookups(self, request, model_admin):
        regions = Location.objects.exclude(region="").order_by("region").values_list("region", flat=True).distinct()
        return [(region, region) for region in regions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.location_field}__region": self.value()})
        return queryset


class SourceRegionFilter(RegionFilter):
    location_field = "source"


class PathInline(admin.TabularInline):
    model = Path
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["target", "travel_cost", "two_way", "description"]
    verbose_name = "path from here"
    verbose_name_plural = "paths from here"


class ObjectHereInline(admin.TabularInline):
    model = WorldObject
    fk_name = "location"
    extra = 0
    fields = ["name", "slug", "kind", "description"]
    show_change_link = True
    verbose_name_plural = "objects lying here"


class CharacterHereInline(RecentRowsInline):
    model = Character
    fk_name = "location"
    fields = ["name", "slug", "kind", "faction", "is_active"]
    readonly_fields = ["kind", "faction"]
    select_related = ("faction",)
    max_rows = 25
    verbose_name_plural = "characters here (the 25 newest; see all from the field above)"

    def get_ordering(self, request):
        return ["-id"]


class ColorInput(forms.TextInput):
    """A native color picker for #rrggbb fields."""

    input_type = "color"


def _color_swatch(color: str):
    return format_html(
        '<span style="display:inline-block;width:1.2em;height:1.2em;border:1px solid #999;'
        'vertical-align:middle;background:{}"></span> {}',
        color,
        color,
    )


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region", "light", "swatch", "sound", "is_starting_location", "population"]
    list_filter = ["region", "is_starting_location"]
    search_fields = ["name", "slug", "region"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["all_characters"]
    inlines = [PathInline, ObjectHereInline, CharacterHereInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "color":
            kwargs["widget"] = ColorInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["name", "slug", "region", "description", "is_starting_location"]}),
        ("Map", {"fields": [("map_x", "map_y")]}),
        ("Environment", {"fields": ["light", "color", "sound"]}),
        ("Who is here", {"fields": ["all_characters"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(population=related_count(Character, "location"))

    @admin.display(description="color", ordering="color")
    def swatch(self, location: Location):
        return _color_swatch(location.color)

    @admin.display(description="characters", ordering="population")
    def population(self, location: Location) -> int:
        return location.population

    @admin.display(description="all characters")
    def all_characters(self, location: Location):
        if location.pk is None:
            return "—"
        return see_all_link(Character, f"All {location.population} characters here", location__id__exact=location.pk)


@admin.register(Path)
class PathAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "target", "travel_cost", "two_way"]
    list_select_related = ["source", "target"]
    list_filter = ["two_way", SourceRegionFilter]
    search_fields = ["source__name", "target__name", "description"]
    autocomplete_fields = ["source", "target"]


@admin.register(WorldObject)
class WorldObjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "location", "holder"]
    list_select_related = ["location", "holder"]
    list_filter = ["kind", RegionFilter]
    search_fields = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["location", "holder"]


@admin.register(Character)
class CharacterAdmin(ImportExportModelAdmin):
    resource_classes = [NpcResource]  # import and export NPCs (CSV, JSON)
    formats = FILE_FORMATS
    list_display = ["name", "kind", "faction", "location", "mood", "energy", "is_active"]
    list_select_related = ["faction", "location"]
    list_filter = ["kind", "is_active", "faction", RegionFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["faction", "location"]
    form = CharacterAdminForm
    # Players are made by registration; their accounts are not the designers' to reassign.
    # The feeling and the day's plan are the tick's to write; designers read them.
    readonly_fields = ["user", "feeling", "plan", "created_at", "updated_at", "see_also"]
    show_full_result_count = False
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "user", "faction", "location", "is_active", "description"]}),
        ("Personality", {"fields": [trait_field_name(trait) for trait in PERSONALITY_TRAITS]}),
        ("Needs and energy", {"fields": [*(need_field_name(need) for need in NEED_NAMES), "energy"]}),
        ("Mind", {"fields": ["goals_text", "feeling", "see_also", "plan"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines: list = []  # other apps append theirs (memory adds recent beliefs)
    character_links: list[Callable[[Character], str]] = []  # other apps append theirs (memory: memories)

    @admin.display(description="mood")
    def mood(self, character: Character):
        return mood_badge(character.emotional_state)

    @admin.display(description="feeling")
    def feeling(self, character: Character):
        state = character.emotional_state or {}
        figures = ", ".join(
            f"{name} {state[name]:+.2f}"
            for name in ("pleasure", "arousal", "dominance", "intensity")
            if isinstance(state.get(name), int | float)
        )
        return format_html('{} <span class="help">{}</span>', mood_badge(state), figures)

    @admin.display(description="see also")
    def see_also(self, character: Character):
        """Links to the character's rows in other apps (its memories, a page at a time: an
        inline of them made the page thousands of pixels tall). Apps add theirs to
        `character_links`."""
        if character.pk is None:
            return "—"
        return format_html_join(" · ", "{}", ((link(character),) for link in self.character_links)) or "—"


class RoutineSlotInline(admin.TabularInline):
    """The character's day: where it is to be, by the hour (its plan is made from these)."""

    model = RoutineSlot
    verbose_name_plural = (
        "Routine slots (the 'sleep' night is kept by the character's body clock: "
        "an owl's up to three hours later, a lark's earlier)"
    )
    extra = 0
    autocomplete_fields = ["location"]
    fields = ["start_hour", "end_hour", "location", "activity"]


class CharacterGoalInline(CompactInline):
    model = CharacterGoal
    fk_name = "character"
    extra = 0
    column_widths = {
        "title": "10em",
        "status": "6em",
        "progress": "4em",
        "priority": "4em",
        "verb": "6em",
        "location": "7.5em",
        "target_object": "7.5em",
        "partner": "7.5em",
        "deadline_tick": "4em",
    }
    autocomplete_fields = ["location", "target_object", "partner"]
    fields = [
        "title",
        "status",
        "progress",
        "priority",
        "verb",
        "location",
        "target_object",
        "partner",
        "deadline_tick",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=CharacterGoal.Status.ACTIVE)
            .select_related("location", "target_object", "partner")
        )


CharacterAdmin.inlines = [RoutineSlotInline, CharacterGoalInline, *CharacterAdmin.inlines]


@admin.register(CharacterGoal)
class CharacterGoalAdmin(admin.ModelAdmin):
    """NPCs' goals: where each is served, how far along it is, whether it succeeded or failed."""

    list_display = ["title", "character", "status", "progress", "priority", "source", "verb", "deadline_tick"]
    list_select_related = ["character"]
    list_filter = ["status", "source", "verb", "need"]
    search_fields = ["title", "character__name"]
    autocomplete_fields = ["character", "location", "target_object", "partner"]
    readonly_fields = ["started_tick", "ended_tick", "outcome", "created_at", "updated_at"]
    show_full_result_count = False


@admin.register(WorldClock)
class WorldClockAdmin(admin.ModelAdmin):
    """Designers pause and resume the world and set its pace here; the tick schedule follows."""

    list_display = ["__str__", "tick", "world_time", "time_scale", "tick_interval_seconds", "paused", "last_tick_at"]
    readonly_fields = ["tick", "seed", "last_tick_at", "history_pruned_through"]
    fields = [
        "world_time",
        "time_scale",
        "tick_interval_seconds",
        "tick_interval_set_by_designer",
        "paused",
        "history_retention_ticks",
        "tick",
        "seed",
        "last_tick_at",
        "history_pruned_through",
    ]
    actions = ["pause_world", "resume_world"]
    change_list_template = "admin/world/worldclock_change_list.html"  # links the dashboard

    def get_urls(self):
        dashboard = self.admin_site.admin_view(functools.partial(world_dashboard_view, self))
        return [path("dashboard/", dashboard, name=DASHBOARD_URL_NAME), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.world_clock_update(clock=obj, by_designer=True, **changes)

    @admin.action(description="Pause the world", permissions=["change"])
    def pause_world(self, request, queryset):
        for clock in queryset:
            services.world_clock_update(clock=clock, paused=True)
        self.message_user(request, "The world is paused: no ticks until it is resumed.")

    @admin.action(description="Resume the world", permissions=["change"])
    def resume_world(self, request, queryset):
        for clock in queryset:
            services.world_clock_update(clock=clock, paused=False)
        self.message_user(request, "The world is running again.")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not WorldClock.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TickFilter(admin.SimpleListFilter):
    """Events of recent ticks, relative to the world clock."""

    title = "tick"
    parameter_name = "recent_ticks"

    def lookups(self, request, model_admin):
        return [("1", "Latest tick"), ("10", "Last 10 ticks"), ("100", "Last 100 ticks")]

    def queryset(self, request, queryset):
        if self.value() not in {"1", "10", "100"}:
            return queryset
        clock = WorldClock.objects.only("tick").first()
        current = clock.tick if clock else 0
        return queryset.filter(tick__gt=current - int(self.value()))


@admin.register(GameEvent)
class GameEventAdmin(ReadOnlyAdmin):
    """The event log is history: designers read it, nobody edits it here."""

    list_display = ["id", "type", "tick", "location", "actor", "timestamp"]
    list_select_related = ["location", "actor"]
    list_filter = ["type", TickFilter]
    search_fields = ["type", "=tick", "=id"]
    show_full_result_count = False
    list_per_page = 100
    fields = ["id", "type", "tick", "timestamp", "location", "actor", "pretty_payload"]
    readonly_fields = fields

    @admin.display(description="payload")
    def pretty_payload(self, event: GameEvent):
        return format_html("<pre>{}</pre>", json.dumps(event.payload, indent=2, ensure_ascii=False))

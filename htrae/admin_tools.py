"""Admin building blocks shared by the apps, made for a world of 100,000 characters."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html


class RecentRowsInline(admin.TabularInline):
    """An inline that shows only the newest `max_rows` rows of its parent.

    Foreign keys shown on these rows should be read-only (listed in `select_related`): an
    editable autocomplete costs one query per row.

    A location may hold thousands of characters and a character thousands of memories; an
    inline over all of them would make the change form unusable. The rest are one click away
    in the filtered changelist (`see_all_link`).
    """

    max_rows = 20
    fk_name: str  # the parent's foreign key, named explicitly by each subclass
    select_related: tuple[str, ...] = ()  # what read-only columns show, joined in one query
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        parent = getattr(self, "_parent", None)
        if parent is None or parent.pk is None:
            return queryset.none()
        newest_ids = (
            self.model._default_manager.filter(**{self.fk_name: parent})
            .order_by(*self.get_ordering(request) or ["-pk"])
            .values("pk")[: self.max_rows]
        )
        # The parent is joined too: each row's title (its __str__) usually names it.
        return queryset.filter(pk__in=newest_ids).select_related(self.fk_name, *self.select_related)


class CompactInline(admin.TabularInline):
    """A tabular inline whose columns are as narrow as `column_widths` says (CSS widths by
    field), so a wide model's rows fit a 1,400 px screen beside the admin's sidebar; a text
    field listed in `textareas` is a two-line box. Foreign keys lose their add/change/delete
    buttons (their view link stays): three buttons a column cost more room than the field."""

    column_widths: dict[str, str] = {}
    textareas: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.textareas:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None or db_field.name not in self.column_widths:
            return field
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
            widget = widget.widget
        widget.attrs["style"] = f"width:{self.column_widths[db_field.name]}"
        return field


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin for records the world writes (events, history): read, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def see_all_link(model, label: str, **filters) -> str:
    """A link to `model`'s changelist filtered by `filters`."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, label)


def related_count(model, fk_name: str):
    """An annotation counting `model` rows that point at each row through `fk_name`.

    A correlated subquery per shown row reads the foreign key's index; a plain Count() would
    join and group the whole related table (100,000 characters) on every changelist load.
    """
    counted = (
        model._default_manager.filter(**{fk_name: OuterRef("pk")})
        .order_by()
        .values(fk_name)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

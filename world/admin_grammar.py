"""The designers' admin for the words NPCs talk with and Spectra thinks and shows (the
grammars "talk", "thoughts", "expressions"): one row per symbol of a grammar,
checked before it is saved (no symbol nobody defines, no empty line, no rule that recurses),
with its shipped words beside it and ten seeded preview lines.

Symbols without a row speak their shipped words; "Copy the shipped grammar in" (a button on
the list) adds a row for each symbol of every grammar, so every shipped symbol can be seen
and edited here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from world import voice
from world.autonomy.grammar_check import alternatives_parse
from world.models import GrammarSymbol

PREVIEW_LINES = 10


class GrammarSymbolForm(forms.ModelForm):
    # strip=False: a leading space belongs to the first alternative (a tail starts with one)
    alternatives = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=GrammarSymbol._meta.get_field("alternatives").help_text,
    )

    class Meta:
        model = GrammarSymbol
        fields = ["grammar", "symbol", "alternatives", "note"]

    def clean(self):
        cleaned = super().clean()
        grammar, symbol, text = cleaned.get("grammar"), cleaned.get("symbol"), cleaned.get("alternatives")
        if not (grammar and symbol and text is not None):
            return cleaned
        if not alternatives_parse(text):
            self.add_error("alternatives", "Give at least one alternative.")
            return cleaned
        problems = voice.grammar_edit_problems(
            grammar=grammar, symbol=symbol, alternatives=text, editing=self.instance.pk
        )
        if symbol in problems:
            self.add_error("alternatives", problems.pop(symbol))
        for other, problem in problems.items():
            self.add_error(None, f"This edit breaks #{other}#: {problem}")
        return cleaned


@admin.register(GrammarSymbol)
class GrammarSymbolAdmin(admin.ModelAdmin):
    form = GrammarSymbolForm
    list_display = ["symbol", "grammar", "status", "first_line", "updated_at"]
    list_filter = ["grammar"]
    search_fields = ["symbol", "alternatives", "note"]
    readonly_fields = ["shipped_words", "preview"]
    fieldsets = [
        (None, {"fields": ["grammar", "symbol", "alternatives", "note"]}),
        ("As shipped", {"fields": ["shipped_words"]}),
        (f"Preview ({PREVIEW_LINES} lines, sample names, a fixed seed; as saved)", {"fields": ["preview"]}),
    ]
    actions = ["reset_to_shipped"]
    change_list_template = "admin/world/grammarsymbol_change_list.html"  # the copy-in button

    def get_urls(self):
        copy = self.admin_site.admin_view(self.copy_shipped_view)
        return [path("copy-shipped/", copy, name="world_grammarsymbol_copy_shipped"), *super().get_urls()]

    def copy_shipped_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        added = voice.grammar_shipped_copy()
        self.message_user(request, f"{added} shipped symbols copied in; the others were here already.")
        return HttpResponseRedirect(reverse("admin:world_grammarsymbol_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_copy_shipped": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    @admin.display(description="status")
    def status(self, row: GrammarSymbol) -> str:
        shipped = voice.shipped_alternatives(row)
        if shipped is None:
            return "added"
        return "as shipped" if alternatives_parse(row.alternatives) == shipped else "edited"

    @admin.display(description="first alternative")
    def first_line(self, row: GrammarSymbol) -> str:
        first = next(iter(alternatives_parse(row.alternatives)), "")
        return first if len(first) <= 80 else first[:79] + "…"

    @admin.display(description="shipped alternatives")
    def shipped_words(self, row: GrammarSymbol):
        shipped = voice.shipped_alternatives(row) if row.symbol else None
        if shipped is None:
            return "— (not a shipped symbol)"
        return format_html("<ol>{}</ol>", format_html_join("", "<li><code>{}</code></li>", ((o,) for o in shipped)))

    @admin.display(description="preview")
    def preview(self, row: GrammarSymbol):
        if row.pk is None:
            return "Save to see lines."
        shown = voice.grammar_preview(grammar=row.grammar, symbol=row.symbol, count=PREVIEW_LINES)
        if shown.error:
            return format_html('<p class="errornote">This symbol cannot be expanded: {}</p>', shown.error)
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((line,) for line in shown.lines)))

    @admin.action(description="Reset to the shipped words", permissions=["change"])
    def reset_to_shipped(self, request, queryset):
        reset, added = 0, []
        for row in queryset.order_by("id"):
            if voice.grammar_symbol_reset(row):
                reset += 1
            else:
                added.append(f"#{row.symbol}#")
        self.message_user(request, f"{reset} symbols back to their shipped words.")
        if added:
            self.message_user(request, f"Not shipped, left as they are: {', '.join(added)}.", messages.WARNING)

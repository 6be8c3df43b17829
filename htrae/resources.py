"""What every import/export resource of the admin shares (django-import-export): rows found
by slug, every row checked by the model's own validation, and a file with any bad row
imports nothing (the admin shows the errors on the preview, and no confirm button)."""

from __future__ import annotations

from import_export import resources, widgets
from import_export.formats.base_formats import CSV, JSON

# What the admin's import and export offer.
FILE_FORMATS = [CSV, JSON]


class SlugResource(resources.ModelResource):
    class Meta:
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True  # the model's validators and clean(): ranges, colours, choices
        use_transactions = True
        exclude = ("id",)

    def import_data(self, dataset, **kwargs):
        # All or nothing: a row the model refuses undoes the rows before it too (the library
        # would keep them unless told, and its admin's confirm step does not tell it).
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug is the row's error, not a crash."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as error:
            raise ValueError(f"No {self.model._meta.verbose_name} is called {value!r}.") from error


class SlugsWidget(widgets.ManyToManyWidget):
    """Related rows named by slugs, comma separated; any unknown slug is the row's error
    (the library's own widget would drop it without a word)."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        wanted = {slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()}
        missing = sorted(wanted - set(found.values_list("slug", flat=True)))
        if missing:
            raise ValueError(f"No {self.model._meta.verbose_name} is called {', '.join(missing)}.")
        return found


class JsonOrDefaultWidget(widgets.JSONWidget):
    """JSON in a cell; an empty cell is the field's empty value ({} or []), never null."""

    def __init__(self, empty):
        super().__init__()
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return type(self.empty)()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as error:
            raise ValueError(f"Not JSON: {error}") from error

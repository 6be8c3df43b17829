"""NPCs as CSV or JSON rows in the admin (django-import-export): named by slug, their faction
and place by slug, personality and needs checked as the character form checks them. Only
NPCs: players come from registration and Spectra is one of a kind."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields

from htrae.resources import JsonOrDefaultWidget, SlugResource, SlugWidget
from htrae.vocabulary import PERSONALITY_TRAITS
from world.autonomy.state import NEED_NAMES
from world.models import Character, Location


def unit_scores_validate(scores, *, allowed: tuple[str, ...], what: str) -> None:
    """`scores` is {name: 0..1} with names from `allowed`; ValidationError naming the problem."""
    if not isinstance(scores, dict):
        raise ValidationError(f'{what}: an object of scores, e.g. {{"{allowed[0]}": 0.5}}.')
    for name, value in scores.items():
        if name not in allowed:
            raise ValidationError(f"{what}: unknown {name!r} (known: {', '.join(allowed)}).")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError(f"{what}: {name} must be a number from 0 to 1, not {value!r}.")


class NpcResource(SlugResource):
    # The faction's model by the foreign key (the world imports nothing of narrative).
    faction = fields.Field("faction", "faction", SlugWidget(Character._meta.get_field("faction").related_model))
    location = fields.Field("location", "location", SlugWidget(Location))
    personality = fields.Field("personality", "personality", JsonOrDefaultWidget({}))
    needs = fields.Field("needs", "needs", JsonOrDefaultWidget({}))
    goals = fields.Field("goals", "goals", JsonOrDefaultWidget([]))

    class Meta(SlugResource.Meta):
        model = Character
        fields = (
            "slug",
            "name",
            "kind",
            "faction",
            "location",
            "description",
            "personality",
            "needs",
            "goals",
            "energy",
            "is_active",
        )

    def get_queryset(self):
        return super().get_queryset().filter(kind=Character.Kind.NPC).select_related("faction", "location")

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values, then check what the model cannot (its JSON's contents)."""
        super().import_instance(instance, row, **kwargs)
        errors: dict[str, list[str]] = {}
        if instance.kind != Character.Kind.NPC:
            errors["kind"] = ["Only NPCs are imported here."]
        if instance.pk and Character.objects.filter(pk=instance.pk).exclude(kind=Character.Kind.NPC).exists():
            errors["slug"] = ["That slug belongs to a player or Spectra."]
        checks = (("personality", PERSONALITY_TRAITS), ("needs", NEED_NAMES))
        for name, allowed in checks:
            try:
                unit_scores_validate(getattr(instance, name) or {}, allowed=allowed, what=name)
            except ValidationError as error:
                errors[name] = error.messages
        goals = instance.goals or []
        if not isinstance(goals, list) or not all(isinstance(goal, str) for goal in goals):
            errors["goals"] = ["A list of goals, each a string."]
        if errors:
            raise ValidationError(errors)

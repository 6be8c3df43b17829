"""Who knows what: one row per character and fact it knows (news heard in conversation, a
deed it saw, a fact planted by a designer or the report), with whom it heard it from."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from htrae.models import history_link


class Knowledge(models.Model):
    class Kind(models.TextChoices):
        HEARD = "heard", "News"
        GATHERING = "gathering", "A gathering"
        DEED = "deed", "A deed seen"

    class Source(models.TextChoices):
        HEARD = "heard", "Heard in conversation"
        WITNESSED = "witnessed", "Witnessed"
        PLANTED = "planted", "Planted (a designer, the report)"

    character = history_link("world.Character", on_delete=models.CASCADE, related_name="knowledge", db_index=False)
    key = models.CharField(max_length=200, help_text="The fact's name; the same for everyone who knows it.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.HEARD)
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=1000, help_text="The fact as it is told.")
    importance = models.FloatField(default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    secret = models.BooleanField(default=False, help_text="Told only to members of its faction.")
    faction = history_link("narrative.Faction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    location = history_link("world.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_tick = models.BigIntegerField(null=True, blank=True, help_text="A gathering's first tick.")
    ends_tick = models.BigIntegerField(null=True, blank=True, help_text="A gathering's last tick.")
    learned_tick = models.BigIntegerField(default=0, db_index=True)
    told_by = history_link(
        "world.Character", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Heard from."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HEARD)

    class Meta:
        ordering = ["character", "-learned_tick", "id"]
        verbose_name_plural = "knowledge"
        constraints = [
            models.UniqueConstraint(
                fields=["character", "key"],
                name="knowledge_unique",
                violation_error_message="This character already knows this fact.",
            ),
        ]
        indexes = [models.Index(fields=["character", "-learned_tick"], name="knowledge_latest")]

    def __str__(self) -> str:
        return f"{self.character} knows {self.key}"

"""Relationships: what one character thinks of another (NPCs, players and Spectra alike),
and the designers' table of what moves it."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from htrae.models import TimeStampedModel

_SIGNED = [MinValueValidator(-1.0), MaxValueValidator(1.0)]
_UNIT = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Relationship(TimeStampedModel):
    """How `character` regards `other` (directed: the two may disagree).

    The values are as they stood at `last_contact_tick`; without contact they fade
    (`relationships.logic.faded`), so every reader sees them faded to its own tick.
    """

    character = models.ForeignKey(
        "world.Character", on_delete=models.CASCADE, related_name="relationships", db_index=False
    )
    other = models.ForeignKey("world.Character", on_delete=models.CASCADE, related_name="regarded_by", db_index=False)
    affinity = models.FloatField(default=0.0, validators=_SIGNED, help_text="-1 (loathes) to 1 (loves).")
    trust = models.FloatField(default=0.0, validators=_SIGNED, help_text="-1 (distrusts) to 1 (trusts).")
    familiarity = models.FloatField(default=0.0, validators=_UNIT, help_text="0 (stranger) to 1 (knows well).")
    last_contact_tick = models.BigIntegerField(default=0, help_text="The tick they last met; fading counts from it.")

    class Meta:
        ordering = ["character", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["character", "other"],
                name="relationship_unique_pair",
                violation_error_message="This character already has a relationship with that one.",
            ),
            models.CheckConstraint(
                condition=~Q(character=F("other")),
                name="relationship_not_self",
                violation_error_message="A character has no relationship with itself.",
            ),
            models.CheckConstraint(
                condition=Q(affinity__gte=-1, affinity__lte=1)
                & Q(trust__gte=-1, trust__lte=1)
                & Q(familiarity__gte=0, familiarity__lte=1),
                name="relationship_values_in_range",
            ),
        ]
        indexes = [models.Index(fields=["other", "character"], name="relationship_other")]

    def __str__(self) -> str:
        return f"{self.character} → {self.other}: affinity {self.affinity:+.2f}"


class RelationshipRule(models.Model):
    """What an event does to the opinions of those it joins: the `actor` (who did it) about
    the `other` (whom it was done to: the listener, the character turned to), and the other
    about the actor. `mood_tone` picks the speaker's mood: warm (joy, wonder, calm,
    curiosity, warmth, contentment), heated (intensity, unease, anger) or any
    (`logic.MOOD_TONES`)."""

    class Role(models.TextChoices):
        ACTOR = "actor", "The doer, about the other"
        OTHER = "other", "The one it was done to, about the doer"

    class Tone(models.TextChoices):
        ANY = "any", "Any mood"
        WARM = "warm", "Warm mood"
        HEATED = "heated", "Heated mood"

    event_type = models.CharField(max_length=64, help_text="e.g. NPC_TALKED")
    role = models.CharField(max_length=8, choices=Role.choices)
    mood_tone = models.CharField(max_length=8, choices=Tone.choices, default=Tone.ANY)
    affinity = models.FloatField(default=0.0, validators=_SIGNED)
    trust = models.FloatField(default=0.0, validators=_SIGNED)
    familiarity = models.FloatField(default=0.0, validators=_UNIT)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["event_type", "role", "mood_tone"]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "role", "mood_tone"], name="relationship_rule_unique"),
            models.CheckConstraint(
                condition=Q(affinity__gte=-1, affinity__lte=1)
                & Q(trust__gte=-1, trust__lte=1)
                & Q(familiarity__gte=0, familiarity__lte=1),
                name="relationship_rule_values_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.role}, {self.mood_tone})"

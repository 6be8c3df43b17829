"""The Memory Cortex's data: what each character remembers."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from htrae.models import TimeStampedModel

IMPORTANCE_MIN, IMPORTANCE_MAX = 0.0, 10.0


class Memory(TimeStampedModel):
    """One memory of one character (the blueprint's `memories` table)."""

    class Type(models.TextChoices):
        SHORT_TERM = "short_term", "Short-term"
        LONG_TERM = "long_term", "Long-term"
        EMOTIONAL = "emotional", "Emotional"

    character = models.ForeignKey("world.Character", on_delete=models.CASCADE, related_name="memories")
    content = models.TextField(max_length=4000)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.SHORT_TERM)
    importance_score = models.FloatField(
        default=1.0, validators=[MinValueValidator(IMPORTANCE_MIN), MaxValueValidator(IMPORTANCE_MAX)]
    )
    timestamp = models.DateTimeField(default=timezone.now, help_text="When it happened.")
    last_accessed_at = models.DateTimeField(default=timezone.now, help_text="When it was last recalled.")
    source_event = models.ForeignKey(
        "world.GameEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="memories"
    )

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name_plural = "memories"
        indexes = [
            models.Index(fields=["character", "-timestamp"], name="memory_character_recent"),
            models.Index(fields=["character", "type", "-timestamp"], name="memory_character_type"),
            models.Index(fields=["character", "-importance_score"], name="memory_character_importance"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance_score__gte=IMPORTANCE_MIN) & Q(importance_score__lte=IMPORTANCE_MAX),
                name="memory_importance_0_to_10",
                violation_error_message="Importance lies between 0 and 10.",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["short_term", "long_term", "emotional"]),
                name="memory_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.character}: {self.content[:50]}"

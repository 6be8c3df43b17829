"""The Memory Cortex's data: what each character remembers.

Two clocks meet here. `timestamp` and `last_accessed_at` are real (wall-clock) times, as the
blueprint has them; retrieval's recency decays over *in-world* hours, so each memory also
carries the in-world time it was last recalled (`last_accessed_world_at`, the world clock's
`world_time` then) and the tick it was formed in (`tick`, for consolidation windows).
"""

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
        # Formed by the cortex itself from other memories (Generative Agents' reflections);
        # the API does not accept it on create.
        REFLECTION = "reflection", "Reflection"

    PUBLIC_TYPES = ("short_term", "long_term", "emotional")

    character = models.ForeignKey("world.Character", on_delete=models.CASCADE, related_name="memories")
    content = models.TextField(max_length=4000)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.SHORT_TERM)
    importance_score = models.FloatField(
        default=1.0, validators=[MinValueValidator(IMPORTANCE_MIN), MaxValueValidator(IMPORTANCE_MAX)]
    )
    timestamp = models.DateTimeField(default=timezone.now, help_text="When it happened.")
    last_accessed_at = models.DateTimeField(default=timezone.now, help_text="When it was last recalled.")
    last_accessed_world_at = models.DateTimeField(
        null=True, blank=True, help_text="In-world time it was last recalled (drives recency)."
    )
    tick = models.BigIntegerField(default=0, help_text="The tick it was formed in.")
    sources = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="reflections", help_text="What a reflection came from."
    )
    source_event = models.ForeignKey(
        "world.GameEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="memories"
    )
    # Only with MEMORY_RELEVANCE_BACKEND=embedding: the content's sentence embedding as packed
    # float32 (memory.embeddings.vector_to_bytes), a quarter of the size of a JSON list and
    # read without parsing text.
    embedding = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The content's embedding (float32), for relevance."
    )

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name_plural = "memories"
        indexes = [
            models.Index(fields=["character", "-timestamp"], name="memory_character_recent"),
            models.Index(fields=["character", "type", "-timestamp"], name="memory_character_type"),
            models.Index(fields=["character", "-importance_score"], name="memory_character_importance"),
            models.Index(fields=["type", "tick"], name="memory_type_tick"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance_score__gte=IMPORTANCE_MIN) & Q(importance_score__lte=IMPORTANCE_MAX),
                name="memory_importance_0_to_10",
                violation_error_message="Importance lies between 0 and 10.",
            ),
            models.CheckConstraint(
                condition=Q(type__in=["short_term", "long_term", "emotional", "reflection"]),
                name="memory_type_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.character}: {self.content[:50]}"

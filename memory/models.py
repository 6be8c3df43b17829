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

from htrae.models import TimeStampedModel, history_link

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

    character = history_link("world.Character", on_delete=models.CASCADE, related_name="memories", db_index=False)
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
    # How it felt, kept for reflection (memory.insight): the rememberer's mood then, and the
    # mood the other character (the one who spoke or acted) was in; the in-world hour.
    feeling = models.CharField(
        max_length=20, blank=True, default="", db_default="", help_text="The rememberer's mood then."
    )
    tone = models.CharField(
        max_length=20, blank=True, default="", db_default="", help_text="The other character's mood then."
    )
    hour = models.SmallIntegerField(null=True, blank=True, help_text="The in-world hour it happened (0-23).")
    sources = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="reflections",
        help_text="What a reflection came from.",
        db_constraint=False,  # history (htrae.models.history_link)
    )
    source_event = history_link(
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
            # a character's memories after a given one (the last reflection: memory.reflection._due)
            models.Index(fields=["character", "id"], name="memory_character_id"),
            # a character's own life (seeded or written by designers: no event, no hour),
            # weightiest first: what its talk draws on (`gossip.selectors._memories`), found
            # without reading the memories the world forms every tick, which are most of them
            models.Index(
                fields=["character", "-importance_score", "id"],
                name="memory_own_life",
                condition=Q(source_event__isnull=True, hour__isnull=True) & ~Q(type="reflection"),
            ),
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


class Belief(TimeStampedModel):
    """What a character has come to believe about someone or something, drawn by reflection
    from patterns in its memories (`memory.insight`). A revision never edits a belief: it
    adds a new row that points to the one it replaces (`previous`) and takes over as current,
    so the history of a mind stays readable. The reflection memory that states it is linked
    to the memories it came from (`Memory.sources`); `cited_memory_ids` keeps those ids even
    after a cited short-term memory fades."""

    class SubjectKind(models.TextChoices):
        PERSON = "person", "Person"
        FACTION = "faction", "Faction"
        PLACE = "place", "Place"
        OBJECT = "object", "Object"
        TOPIC = "topic", "Topic"

    class Revision(models.TextChoices):
        FORMED = "formed", "Formed"
        STRENGTHENED = "strengthened", "Strengthened"
        WEAKENED = "weakened", "Weakened"
        OVERTURNED = "overturned", "Overturned"

    class Origin(models.TextChoices):
        OFFLINE = "offline", "Offline rules"
        MODEL = "model", "Language model"

    # A mind's history, written some 10,000 a tick at 10,000 NPCs: its references are kept by
    # Django, not checked one by one at the tick's commit (htrae.models.history_link).
    character = history_link("world.Character", on_delete=models.CASCADE, related_name="beliefs", db_index=False)
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    subject_id = models.BigIntegerField(
        null=True, blank=True, help_text="The id of the person, place, ... (not for topics)."
    )
    subject_name = models.CharField(max_length=200)
    subject_key = models.CharField(max_length=220, help_text="kind:id or topic:words; one current belief per key.")
    stance = models.CharField(max_length=20, help_text="trust, distrust, fear, fondness, suspicion, ...")
    valence = models.FloatField(default=0.0, validators=[MinValueValidator(-1.0), MaxValueValidator(1.0)])
    confidence = models.FloatField(default=0.5, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    statement = models.TextField(max_length=1000)
    qualifiers = models.JSONField(default=dict, blank=True, help_text="e.g. when (night), topic, member_id.")
    cited_memory_ids = models.JSONField(default=list, blank=True, help_text="The memories it came from.")
    reflection = history_link(
        Memory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beliefs",
        help_text="The reflection stating it.",
    )
    previous = history_link(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="The belief it revised.",
    )
    revision = models.CharField(max_length=12, choices=Revision.choices, default=Revision.FORMED)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.OFFLINE)
    is_current = models.BooleanField(default=True)
    tick = models.BigIntegerField(default=0, help_text="The tick it was formed in.")

    class Meta:
        ordering = ["-tick", "-id"]
        indexes = [
            models.Index(fields=["character", "is_current"], name="belief_character_current"),
            # the retention policy's oldest beliefs no longer held (world.history)
            models.Index(fields=["tick"], condition=Q(is_current=False), name="belief_superseded_tick"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["character", "subject_key"],
                condition=Q(is_current=True),
                name="belief_one_current_per_subject",
                violation_error_message="A character holds one current belief per subject.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="belief_confidence_0_to_1"
            ),
            models.CheckConstraint(condition=Q(valence__gte=-1) & Q(valence__lte=1), name="belief_valence_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.character}: {self.statement[:60]}"

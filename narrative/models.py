"""Narrative data: factions and how each regards the others, quests and their steps, who
holds which quest, lore, and conversations with their message history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from htrae.models import TimeStampedModel, history_link
from narrative.quests.emergence import template_problems
from world.models import hex_color_validator

STANDING_MIN, STANDING_MAX = -100, 100


class Faction(TimeStampedModel):
    """A major power of Htrae (the Luminari, the Verdant Accord, ...)."""

    class Status(models.TextChoices):
        THRIVING = "thriving", "Thriving"
        STABLE = "stable", "Stable"
        RISING = "rising", "Rising"
        DECLINING = "declining", "Declining"
        EMBATTLED = "embattled", "Embattled"
        SCATTERED = "scattered", "Scattered"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    ethos = models.TextField(blank=True, help_text="What the faction believes and how it acts.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.STABLE)
    goals = models.JSONField(default=list, blank=True, help_text="The faction's aims, a list of strings.")
    power = models.PositiveSmallIntegerField(
        default=50, validators=[MaxValueValidator(100)], help_text="Influence from 0 to 100."
    )
    color = models.CharField(max_length=7, default="#888888", validators=[hex_color_validator])
    home = models.ForeignKey(
        "world.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="home_of_factions"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(power__lte=100), name="faction_power_0_to_100"),
        ]

    def __str__(self) -> str:
        return self.name


class FactionRelation(TimeStampedModel):
    """How `faction` regards `other`: a standing from -100 (war) to +100 (alliance).

    Relations are directed, so two factions may see each other differently.
    """

    faction = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="relations", db_index=False)
    other = models.ForeignKey(Faction, on_delete=models.CASCADE, related_name="regarded_by")
    standing = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(STANDING_MIN), MaxValueValidator(STANDING_MAX)]
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why they stand so, for designers.")

    class Meta:
        ordering = ["faction__name", "other__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(faction=F("other")),
                name="faction_relation_not_self",
                violation_error_message="A faction has no relation to itself.",
            ),
            models.CheckConstraint(
                condition=Q(standing__gte=STANDING_MIN) & Q(standing__lte=STANDING_MAX),
                name="faction_relation_standing_range",
                violation_error_message="Standing lies between -100 and 100.",
            ),
            models.UniqueConstraint(
                fields=["faction", "other"],
                name="faction_relation_unique_pair",
                violation_error_message="This faction already has a relation to that one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.faction} → {self.other}: {self.standing:+d}"

    def clean(self) -> None:
        # Both rules are also constraints; checked here too because an inline form leaves
        # out its parent's key when it validates constraints, and would fail on save instead.
        if self.faction_id is None or self.other_id is None:
            return
        if self.faction_id == self.other_id:
            raise ValidationError({"other": "A faction has no relation to itself."})
        duplicates = FactionRelation.objects.filter(faction_id=self.faction_id, other_id=self.other_id)
        if duplicates.exclude(pk=self.pk).exists():
            raise ValidationError({"other": "This faction already has a relation to that one."})


class Quest(TimeStampedModel):
    """A narrative thread (the blueprint's Campaign/Quest); `steps` are ordered QuestSteps."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AVAILABLE = "available", "Available"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE, db_index=True)
    giver = models.ForeignKey(
        "world.Character", on_delete=models.SET_NULL, null=True, blank=True, related_name="quests_given"
    )
    faction = models.ForeignKey(Faction, on_delete=models.SET_NULL, null=True, blank=True, related_name="quests")
    rewards = models.JSONField(default=dict, blank=True, help_text='e.g. {"standing": {"luminari": 10}}.')
    is_emergent = models.BooleanField(default=False, help_text="Created by the world rather than a designer.")
    template = models.ForeignKey(
        "QuestTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="quests"
    )
    origin_key = models.CharField(
        max_length=120, blank=True, db_index=True, help_text="The occasion an emergent quest arose from."
    )
    created_tick = models.BigIntegerField(default=0)
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The quest whose outcome opened this one (a chain).",
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            # Two open quests with one title read as one in every list; the world's writers
            # skip a title that is open already (`narrative.quests.emergence`).
            models.UniqueConstraint(
                fields=["title"],
                condition=Q(status__in=["available", "active"]),
                name="quest_open_title_unique",
                violation_error_message="An open quest already has this title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestStep(models.Model):
    """One step of a quest, with the objective that completes it."""

    class Objective(models.TextChoices):
        REACH_LOCATION = "reach_location", "Reach a place"
        TALK_TO = "talk_to", "Talk to someone"
        BRING_OBJECT = "bring_object", "Bring an object"
        WAIT = "wait", "Wait for a time"
        WITNESS_EVENT = "witness_event", "Witness an event"

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="steps", db_index=False)
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    objective = models.CharField(max_length=300, help_text="What the step asks, in words.")
    objective_type = models.CharField(max_length=20, choices=Objective.choices)
    target_location = models.ForeignKey(
        "world.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_character = models.ForeignKey(
        "world.Character", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_object = models.ForeignKey(
        "world.WorldObject", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    wait_ticks = models.PositiveIntegerField(null=True, blank=True)
    event_type = models.CharField(max_length=64, blank=True, help_text="For 'witness an event'.")

    class Meta:
        ordering = ["quest", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["quest", "order"],
                name="quest_step_unique_order",
                violation_error_message="This quest already has a step with that number.",
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="quest_step_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quest} — step {self.order}"

    def clean(self) -> None:
        # Also a constraint; checked here for the quest's inline form (see FactionRelation.clean).
        if self.quest_id is None or self.order is None:
            return
        if QuestStep.objects.filter(quest_id=self.quest_id, order=self.order).exclude(pk=self.pk).exists():
            raise ValidationError({"order": "This quest already has a step with that number."})


class QuestAssignment(TimeStampedModel):
    """A character holding a quest, and the step it has reached."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned"

    character = models.ForeignKey(
        "world.Character", on_delete=models.CASCADE, related_name="quest_assignments", db_index=False
    )
    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="assignments")
    current_step = models.ForeignKey(QuestStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    step_started_tick = models.BigIntegerField(default=0)
    deadline_tick = models.BigIntegerField(null=True, blank=True, help_text="It fails if not done by then.")

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["character", "status"], name="quest_assignment_char_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["character", "quest"],
                name="quest_assignment_unique",
                violation_error_message="This character already holds this quest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.character} — {self.quest} ({self.status})"


class LoreEntry(TimeStampedModel):
    """A piece of the world's history, myths and secrets."""

    class Category(models.TextChoices):
        HISTORY = "history", "History"
        MYTH = "myth", "Myth"
        SECRET = "secret", "Secret"
        PLACE = "place", "Place"
        FACTION = "faction", "Faction"

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    category = models.CharField(max_length=10, choices=Category.choices, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    factions = models.ManyToManyField(Faction, blank=True, related_name="lore")
    locations = models.ManyToManyField("world.Location", blank=True, related_name="lore")
    characters = models.ManyToManyField("world.Character", blank=True, related_name="lore")

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "lore entries"

    def __str__(self) -> str:
        return self.title


class Conversation(TimeStampedModel):
    """A conversation (the blueprint's `id, participants, history`); history is its messages."""

    topic = models.CharField(max_length=200, blank=True)
    location = models.ForeignKey(
        "world.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        db_index=False,
    )
    participants = models.ManyToManyField("world.Character", related_name="conversations")
    started_tick = models.BigIntegerField(default=0)
    # The tick of its latest line: the tick finds each place's open conversation by it (a quiet
    # spell closes one) without aggregating every line ever said there.
    last_tick = models.BigIntegerField(default=0, help_text="The tick of its latest line.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["location", "last_tick"], name="conversation_open_at_place")]

    def __str__(self) -> str:
        return self.topic or f"Conversation #{self.pk}"


class ConversationMessage(models.Model):
    """One line said in a conversation."""

    conversation = history_link(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    speaker = history_link("world.Character", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(max_length=2000)
    tick = models.BigIntegerField(default=0)
    timestamp = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="conversation_message_order"),
            models.Index(fields=["tick"], name="conversation_message_tick"),  # the retention policy's cut
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"


class RelationModifier(TimeStampedModel):
    """An opinion that moves a relation away from its designer-set base standing for a while.

    Its current value is `value * (1 - decay) ** elapsed` (exponential decay: `decay` is the
    fraction lost per tick, 0 keeps it whole), rounded toward zero, until `duration_ticks`
    have passed (null: it never expires, though it may still decay away).
    `narrative.factions.relations` computes it; the database only keeps the facts.
    """

    relation = models.ForeignKey(FactionRelation, on_delete=models.CASCADE, related_name="modifiers")
    reason = models.CharField(max_length=200)
    value = models.SmallIntegerField(
        validators=[MinValueValidator(-2 * STANDING_MAX), MaxValueValidator(2 * STANDING_MAX)],
        help_text="Standing added at the start; may be negative.",
    )
    started_tick = models.BigIntegerField(default=0)
    duration_ticks = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: permanent.")
    decay = models.FloatField(
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Fraction of the value lost each tick (0 to 1).",
    )

    class Meta:
        ordering = ["relation", "started_tick", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decay__gte=0.0) & Q(decay__lte=1.0),
                name="relation_modifier_decay_0_to_1",
                violation_error_message="Decay lies between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=-2 * STANDING_MAX) & Q(value__lte=2 * STANDING_MAX),
                name="relation_modifier_value_range",
                violation_error_message="A modifier's value lies between -200 and 200.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relation}: {self.value:+d} ({self.reason})"


class LoreDiscovery(models.Model):
    """A character has learned a lore entry (secrets stay hidden from players until then)."""

    character = models.ForeignKey(
        "world.Character", on_delete=models.CASCADE, related_name="lore_discoveries", db_index=False
    )
    entry = models.ForeignKey(LoreEntry, on_delete=models.CASCADE, related_name="discoveries")
    discovered_tick = models.BigIntegerField(default=0)
    discovered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["character", "discovered_tick", "id"]
        verbose_name_plural = "lore discoveries"
        constraints = [
            models.UniqueConstraint(
                fields=["character", "entry"],
                name="lore_discovery_unique",
                violation_error_message="This character already knows this entry.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.character} knows {self.entry}"


class QuestTemplate(TimeStampedModel):
    """A pattern the world writes emergent quests from, when its trigger holds (a relation
    past a threshold, a character's goal that names a place or a person, a secret someone
    keeps). Designers edit these; `narrative.quests.emergence` documents the roles each trigger
    offers to `title`, `description` and `steps`."""

    class Trigger(models.TextChoices):
        RELATION = "relation", "A relation past a threshold"
        UNMET_GOAL = "unmet_goal", "A character's unmet goal"
        LORE_SECRET = "lore_secret", "A secret in the lore"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    enabled = models.BooleanField(default=True)
    standing_at_most = models.SmallIntegerField(
        null=True, blank=True, help_text="Relation trigger: fires when a faction regards another at or below this."
    )
    standing_at_least = models.SmallIntegerField(
        null=True, blank=True, help_text="Relation trigger: fires when a faction regards another at or above this."
    )
    title = models.CharField(max_length=160, help_text="With roles in braces, e.g. 'Mend ties with {other}'.")
    description = models.TextField(blank=True)
    steps = models.JSONField(
        default=list,
        help_text='A list of steps: {"type": "reach_location", "target": "other_home", "objective": "Go to '
        '{other_home}."}; "wait" steps take "ticks", "witness_event" steps take "event_type".',
    )
    reward_standing = models.SmallIntegerField(
        default=0, help_text="On success, how much warmer the quest's faction grows toward the holder's."
    )
    failure_standing = models.SmallIntegerField(default=0, help_text="On failure, the same (usually negative).")
    time_limit_ticks = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no deadline.")
    cooldown_ticks = models.PositiveIntegerField(
        default=200, help_text="Ticks before the same occasion may give rise to this quest again."
    )
    max_active = models.PositiveSmallIntegerField(default=3, help_text="Quests of this template open at once.")
    leads_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_from",
        help_text="On success, the holder takes up a quest written from this template next (a chain).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = template_problems(
            trigger=self.trigger, title=self.title, description=self.description, steps=self.steps
        )
        if problems:
            raise ValidationError({"steps": problems})

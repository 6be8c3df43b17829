"""The world's data: places and the paths between them, objects, characters, the world
clock, and the log of game events.

Models hold data and invariants (database constraints); state changes go through
`world.services`, reads through `world.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT

from htrae.models import TimeStampedModel, history_link
from htrae.vocabulary import EventType
from world.environment import effective_environment
from world.locks import designer_deleter

hex_color_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a color as #rrggbb, for example #ffcc88.")


class Location(TimeStampedModel):
    """A place in Htrae. Its environment (light, color, sound) is what players perceive."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    region = models.CharField(max_length=80, blank=True, db_index=True)
    map_x = models.FloatField(default=0.0, help_text="Map coordinate, west to east.")
    map_y = models.FloatField(default=0.0, help_text="Map coordinate, south to north.")
    light = models.FloatField(
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Light level from 0 (pitch dark) to 1 (blazing).",
    )
    color = models.CharField(max_length=7, default="#ffffff", validators=[hex_color_validator])
    sound = models.CharField(max_length=120, blank=True, help_text="Ambient sound, e.g. 'wind in reeds'.")
    is_starting_location = models.BooleanField(
        default=False, help_text="New players start here. Only one location may have it."
    )
    resonance = models.JSONField(
        default=dict,
        blank=True,
        help_text="How Spectra's mood tints this place now (written by the resonance engine; fades by itself).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(light__gte=0.0) & Q(light__lte=1.0), name="location_light_0_to_1"),
            models.UniqueConstraint(
                fields=["is_starting_location"],
                condition=Q(is_starting_location=True),
                name="location_single_starting_location",
                violation_error_message="Another location is already the starting location.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def environment(self) -> dict:
        """The environment as perceived: the base tinted by any resonance."""
        return effective_environment(light=self.light, color=self.color, sound=self.sound, resonance=self.resonance)


class Path(TimeStampedModel):
    """An edge of the map graph: travel from `source` to `target` costs `travel_cost` ticks.

    A two-way path is stored once and walkable in both directions.
    """

    source = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="paths_out", db_index=False)
    target = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="paths_in")
    travel_cost = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Ticks it takes to walk."
    )
    two_way = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["source__name", "target__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="path_not_a_loop",
                violation_error_message="A path must lead to a different location.",
            ),
            models.CheckConstraint(condition=Q(travel_cost__gte=1), name="path_travel_cost_positive"),
            models.UniqueConstraint(
                fields=["source", "target"],
                name="path_unique_source_target",
                violation_error_message="These two locations are already joined by a path.",
            ),
        ]

    def __str__(self) -> str:
        arrow = "↔" if self.two_way else "→"
        return f"{self.source_id and self.source} {arrow} {self.target_id and self.target}"

    def clean(self) -> None:
        # Also constraints; checked here because a location's inline form validates without
        # its parent key and would otherwise fail on save.
        if self.source_id is None or self.target_id is None:
            return
        if self.source_id == self.target_id:
            raise ValidationError({"target": "A path must lead to a different location."})
        duplicates = Path.objects.filter(source_id=self.source_id, target_id=self.target_id)
        if duplicates.exclude(pk=self.pk).exists():
            raise ValidationError({"target": "These two locations are already joined by a path."})


class CharacterQuerySet(models.QuerySet):
    def delete(self):
        with designer_deleter():  # as Character.delete: after a tick in flight
            return super().delete()


class Character(TimeStampedModel):
    """Spectra, an NPC or a player's avatar (the blueprint's Character)."""

    class Kind(models.TextChoices):
        SPECTRA = "spectra", "Spectra"
        NPC = "npc", "NPC"
        PLAYER = "player", "Player"

    name = models.CharField(max_length=120, db_index=True)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NPC)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="character",
        help_text="The player who owns this character (players only).",
    )
    faction = models.ForeignKey(
        "narrative.Faction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="characters", db_index=False)
    description = models.TextField(blank=True)
    emotional_state = models.JSONField(
        default=dict,
        blank=True,
        help_text='Current emotion, e.g. {"mood": "calm", "pleasure": 0.2, "arousal": 0.0, "dominance": 0.1}.',
    )
    goals = models.JSONField(default=list, blank=True, help_text="What the character strives for, a list.")
    personality = models.JSONField(
        default=dict,
        blank=True,
        help_text='Trait scores from 0 to 1, e.g. {"openness": 0.8, "extraversion": 0.3}.',
    )
    energy = models.FloatField(default=100.0, validators=[MinValueValidator(0.0), MaxValueValidator(100.0)])
    needs = models.JSONField(
        default=dict, blank=True, help_text='Needs from 0 (met) to 1 (urgent), e.g. {"social": 0.4}.'
    )
    is_active = models.BooleanField(default=True, help_text="Inactive characters sit out the tick.")
    plan = models.JSONField(
        default=dict,
        blank=True,
        help_text="The plan for the day (written by world.minds from the routine and goals): "
        '{"day", "made_tick", "revisions", "entries": [{"from", "to", "location_id", "activity", "goal_id"}]}.',
    )

    # Every delete of characters, one or many (the admin's bulk delete, the shell), waits for
    # a tick in flight (`world.locks.designer_deleter`).
    objects = CharacterQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # who stands at a place, each kind by name: the first of a crowd are read off the
            # index (`world.selectors.locations_surroundings`), not sorted from all of it
            models.Index(fields=["location", "kind", "name", "id"], name="character_place_kind_name"),
            models.Index(fields=["kind", "is_active"], name="character_kind_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(energy__gte=0.0) & Q(energy__lte=100.0), name="character_energy_0_to_100"
            ),
            models.CheckConstraint(
                condition=(Q(kind="player") & Q(user__isnull=False)) | (~Q(kind="player") & Q(user__isnull=True)),
                name="character_player_iff_user",
                violation_error_message="A player character needs its user; Spectra and NPCs have none.",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="spectra"),
                name="character_single_spectra",
                violation_error_message="There is only one Spectra.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        with designer_deleter():  # after a tick in flight, whose new events may name it
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
        # Also a constraint; said here because the admin shows `user` read-only and would
        # otherwise learn of the mismatch only when saving.
        if (self.kind == self.Kind.PLAYER) != (self.user_id is not None):
            raise ValidationError(
                {"kind": "Player characters are made when a player registers; Spectra and NPCs have no user."}
            )


class WorldObject(TimeStampedModel):
    """A thing in the world: lying at a location, or carried by a character."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(max_length=40, blank=True, help_text="e.g. artifact, tool, relic, plant.")
    description = models.TextField(blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="world_objects"
    )
    holder = models.ForeignKey(Character, on_delete=models.SET_NULL, null=True, blank=True, related_name="inventory")
    properties = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(location__isnull=False) & Q(holder__isnull=False)),
                name="object_in_one_place",
                violation_error_message="An object lies at a location or is carried, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoutineSlot(models.Model):
    """Where a character is to be at an hour of the day (its daily routine), and doing what.
    An hour range that ends at or before it starts runs past midnight (22 to 6)."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="routine", db_index=False)
    start_hour = models.PositiveSmallIntegerField(validators=[MaxValueValidator(23)])
    end_hour = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(24)])
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    activity = models.CharField(max_length=40, help_text="e.g. sleep, work, eat, gather.")

    class Meta:
        ordering = ["character", "start_hour", "id"]
        constraints = [
            models.UniqueConstraint(fields=["character", "start_hour"], name="routine_slot_unique_start"),
            models.CheckConstraint(condition=Q(start_hour__lte=23), name="routine_slot_start_hour"),
            models.CheckConstraint(condition=Q(end_hour__gte=1, end_hour__lte=24), name="routine_slot_end_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.start_hour:02d}-{self.end_hour:02d} {self.activity}"


class CharacterGoal(TimeStampedModel):
    """Something an NPC strives for: where it is served (a place, a thing, a person), how far
    along it is, and whether it succeeded or failed. `Character.goals` mirrors the active ones."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        SEED = "seed", "Seed"
        NEED = "need", "A need"
        FACTION = "faction", "Faction goal"
        EVENT = "event", "An event"
        DESIGNER = "designer", "Designer"

    class Verb(models.TextChoices):
        VISIT = "visit", "Be at the place and work on it"
        TAKE = "take", "Take the object"
        USE = "use", "Use the object (at the place, if one is given)"
        GIVE = "give", "Give the object to the person"
        TALK = "talk", "Talk to the person"

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="goal_rows", db_index=False)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DESIGNER)
    need = models.CharField(max_length=20, blank=True, help_text="The need it answers, if one.")
    verb = models.CharField(max_length=10, choices=Verb.choices, default=Verb.VISIT)
    priority = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    progress = models.FloatField(default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_object = models.ForeignKey(WorldObject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    partner = models.ForeignKey(Character, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_tick = models.BigIntegerField(default=0)
    deadline_tick = models.BigIntegerField(null=True, blank=True, help_text="Fails if not achieved by then.")
    ended_tick = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=120, blank=True, help_text="Why it ended.")

    class Meta:
        ordering = ["character", "-priority", "id"]
        indexes = [models.Index(fields=["character", "status"], name="character_goal_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1), name="character_goal_progress_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status}, {self.progress:.0%})"


# The longest look back of any rule of the world (quests' "recently", greetings after a day,
# deadlines): a retention window shorter than this would change the world, not only its logs.
HISTORY_RETENTION_FLOOR_TICKS = 1000


class WorldClock(TimeStampedModel):
    """The one row that says where the world is in time; the tick locks it."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    tick = models.BigIntegerField(default=0, help_text="Number of the last tick completed.")
    world_time = models.DateTimeField(help_text="The in-world date and time.")
    time_scale = models.FloatField(
        default=60.0,
        validators=[MinValueValidator(0.001)],
        help_text="In-world seconds that pass per real second (60: a tick of 30 s is 30 in-world minutes).",
    )
    tick_interval_seconds = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1)], help_text="Real seconds between ticks."
    )
    # Who decides the pace: a designer's change in the admin wins over the environment
    # (TICK_INTERVAL_SECONDS), which wins over the seed file; see world.services.
    tick_interval_set_by_designer = models.BooleanField(
        default=False,
        help_text="Set when a designer changes the interval here; while set, TICK_INTERVAL_SECONDS and the "
        "seed file no longer change it. Clear it to hand the pace back to them.",
    )
    seed = models.BigIntegerField(default=0, help_text="The world seed: same seed, same world.")
    paused = models.BooleanField(default=False)
    last_tick_at = models.DateTimeField(null=True, blank=True, help_text="When the last tick started.")
    # The retention policy (world.history): the designer's window wins over the environment's.
    history_retention_ticks = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(HISTORY_RETENTION_FLOOR_TICKS)],
        help_text="Ticks of history kept (events, emotion samples, conversation lines); older rows are dropped "
        "after each tick. Empty: HISTORY_RETENTION_TICKS from the environment. "
        f"At least {HISTORY_RETENTION_FLOOR_TICKS}.",
    )
    history_pruned_through = models.BigIntegerField(
        default=0, editable=False, help_text="The last event id the retention policy dropped (0: none yet)."
    )

    class Meta:
        verbose_name = "world clock"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="worldclock_singleton"),
            models.CheckConstraint(condition=Q(time_scale__gt=0), name="worldclock_time_scale_positive"),
            models.CheckConstraint(condition=Q(tick__gte=0), name="worldclock_tick_non_negative"),
            models.CheckConstraint(condition=Q(tick_interval_seconds__gte=1), name="worldclock_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"Tick {self.tick} — {self.world_time:%Y-%m-%d %H:%M}"


# The world's own characters speaking, in the order the partial index `event_talk_pair` and
# its queries name them (PostgreSQL matches a query to a partial index by the same condition).
TALK_EVENT_TYPES = sorted(EventType.TALK)


class GameEvent(models.Model):
    """Something that happened (the blueprint's GameEvent); also the event bus's outbox.

    Ids only grow, so a client can ask for everything after the last id it saw.
    """

    # `type`, `location` and `actor` have no index of their own: each leads a composite index
    # below, which serves the same lookups, and every index costs each of a tick's inserts.
    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=64, help_text="Upper snake case, e.g. NPC_MOVED.")
    payload = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    tick = models.BigIntegerField(default=0, db_index=True)
    location = history_link(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", db_index=False
    )
    actor = history_link(
        Character, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", db_index=False
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["location", "id"], name="event_location_id"),
            models.Index(fields=["type", "tick"], name="event_type_tick"),
            # (actor, tick): "what did these characters do lately" reads only the window it
            # asks for; led by actor it still serves every lookup by actor.
            models.Index(fields=["actor", "tick"], name="event_actor_tick"),
            # "has this speaker talked with this listener lately": one probe a pair
            # (`world.autonomy.perception.recent_talks_load`), not a day of the speaker's talk
            models.Index(
                F("actor"),
                KT("payload__listener_id"),
                F("tick"),
                name="event_talk_pair",
                condition=Q(type__in=TALK_EVENT_TYPES),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.type} (tick {self.tick})"


class PlayerActionReceipt(models.Model):
    """A player action already applied, by the client's request id: the same id is applied
    once, and a repeat gets the first reply again."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="action_receipts", db_index=False)
    request_id = models.CharField(max_length=64)
    action = models.CharField(max_length=16)
    reply = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["character", "request_id"], name="player_action_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.character_id}:{self.request_id} {self.action}"


class AccountName(models.Model):
    """An account's name as it looks (`world.accounts.username_skeleton`): unique, so no two
    accounts' names can be mistaken for each other, even when two registrations race.

    (Exact names are also unique case-insensitively: migration 0004 adds a unique index on
    `lower(username)` to `auth_user`.)
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_name")
    skeleton = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.skeleton


class TickRecord(models.Model):
    """How one tick went (the admin's world dashboard plots these). Only the newest
    `KEPT` are kept: the tick prunes older ones as it writes its own."""

    KEPT = 200

    tick = models.BigIntegerField(unique=True)
    finished_at = models.DateTimeField(help_text="When the tick finished, just before its commit.")
    duration_ms = models.PositiveIntegerField(help_text="From the tick's start to just before its commit.")
    characters = models.PositiveIntegerField(default=0, help_text="NPCs and Spectra who acted.")
    events = models.PositiveIntegerField(default=0, help_text="Events the tick published.")
    phases_ms = models.JSONField(
        default=list,
        blank=True,
        help_text="[step, milliseconds] for each step of the tick, in the order they ran: clock, load, plan, apply, "
        "then the registered phases (minds, quests, factions, feelings, memory, gossip, opinions).",
    )

    class Meta:
        ordering = ["-tick"]

    def __str__(self) -> str:
        return f"Tick {self.tick}: {self.duration_ms} ms, {self.events} events"


symbol_name_validator = RegexValidator(
    r"^[a-z_][a-z0-9_]*$", "A symbol's name is lower-case letters, digits and underscores, like greet_plain."
)


class GrammarSymbol(TimeStampedModel):
    """A designer's version of one symbol of a phrase grammar (the talk NPCs speak, Spectra's
    thoughts and idle behaviours, the words of answers to players): its alternatives replace
    the shipped ones (`world.autonomy.talk_grammar.RULES`, `spectra.thoughts.RULES`,
    `spectra.expression.RULES`, `spectra.reply_grammar.RULES`),
    or add a new symbol. Symbols without a row keep their shipped words
    (`world.voice.grammar_rules_get`)."""

    class Grammar(models.TextChoices):
        TALK = "talk", "Talk between characters"
        THOUGHTS = "thoughts", "Spectra's thoughts"
        EXPRESSIONS = "expressions", "Spectra's idle behaviours"
        REPLIES = "replies", "Answers to players"

    grammar = models.CharField(max_length=40, choices=Grammar.choices, default=Grammar.TALK)
    symbol = models.CharField(max_length=80, validators=[symbol_name_validator], help_text="Used as #symbol#.")
    alternatives = models.TextField(
        help_text="One alternative per line; one is picked at random. #name# expands another symbol or a "
        "binding (#you#, #place#, ...), #name.cap# capitalises it. A leading space is kept."
    )
    note = models.TextField(blank=True, help_text="For designers: why it reads this way.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["grammar", "symbol"], name="grammar_symbol_unique")]

    def __str__(self) -> str:
        return f"{self.grammar}: #{self.symbol}#"

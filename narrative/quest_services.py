"""Writes of the quest engine: steps advanced by what happens in the world, quests completed
or failed with their effects, quests players accept and abandon, and emergent quests the
world starts from its state (`narrative.emergence` decides which; this module loads the
facts and writes the result).

Events published here:

| event                | when                                                   | actor / location       |
| -------------------- | ------------------------------------------------------ | ---------------------- |
| QUEST_STARTED        | the world starts an emergent quest                     | its holder, where it is |
| QUEST_ACCEPTED       | a player (or an NPC at a giver's side) takes a quest   | the taker               |
| QUEST_ABANDONED      | a player gives a quest up                              | the player              |
| QUEST_STEP_COMPLETED | a holder's current step is met                         | the holder              |
| QUEST_COMPLETED      | its last step is met; rewards are granted              | the holder              |
| QUEST_FAILED         | its deadline passes first; failure effects apply       | the holder              |
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils import timezone
from django.utils.text import slugify

from htrae.errors import DomainError
from narrative import emergence
from narrative.faction_services import FACTION_STATUS_CHANGED
from narrative.models import (
    Faction,
    LoreDiscovery,
    LoreEntry,
    Quest,
    QuestAssignment,
    QuestStep,
    QuestTemplate,
)
from narrative.quest_logic import EventFacts, HolderFacts, StepFacts, next_step, step_met
from narrative.selectors import relation_standings
from narrative.services import FACTION_RELATION_CHANGED, ModifierChange, faction_modifiers_add_many
from world.events import EventDraft, publish, publish_many
from world.models import Character, GameEvent, Location
from world.services import actor_payload

QUEST_STARTED = "QUEST_STARTED"
QUEST_ACCEPTED = "QUEST_ACCEPTED"
QUEST_ABANDONED = "QUEST_ABANDONED"
QUEST_STEP_COMPLETED = "QUEST_STEP_COMPLETED"
QUEST_COMPLETED = "QUEST_COMPLETED"
QUEST_FAILED = "QUEST_FAILED"
QUEST_EVENT_TYPES = frozenset(
    {QUEST_STARTED, QUEST_ACCEPTED, QUEST_ABANDONED, QUEST_STEP_COMPLETED, QUEST_COMPLETED, QUEST_FAILED}
)
# Events of the quest engine itself never meet a step (a step is met by the world).
NARRATIVE_EVENT_TYPES = QUEST_EVENT_TYPES | {FACTION_RELATION_CHANGED, FACTION_STATUS_CHANGED}

OPEN_QUEST = (Quest.Status.AVAILABLE, Quest.Status.ACTIVE)
QUEST_STANDING_DECAY = 0.005  # a quest's effect on standing halves in about 140 ticks

_STEP_FIELDS = (
    "id",
    "quest_id",
    "order",
    "objective_type",
    "target_location_id",
    "target_character_id",
    "target_object_id",
    "wait_ticks",
    "event_type",
)


# What an assignment row carries for its events and outcome (`_assignment_payload`,
# `_Outcome.from_row`).
_ASSIGNMENT_FIELDS = (
    "id",
    "character_id",
    "character__location_id",
    "character__faction_id",
    "character__kind",
    "quest_id",
    "quest__title",
    "quest__slug",
    "quest__rewards",
    "quest__is_emergent",
)


def _quest_payload(
    *, assignment_id: int, character_id: int, quest_slug: str, quest_title: str, character_kind: str
) -> dict:
    return {
        "assignment_id": assignment_id,
        "character_id": character_id,
        "actor_kind": character_kind,
        "quest": quest_slug,
        "quest_title": quest_title,
    }


def _assignment_payload(row: dict) -> dict:
    """`_quest_payload` from an assignment row read with its quest and character."""
    return _quest_payload(
        assignment_id=row["id"],
        character_id=row["character_id"],
        quest_slug=row["quest__slug"],
        quest_title=row["quest__title"],
        character_kind=row["character__kind"],
    )


# --- Progress --------------------------------------------------------------------------------


def _event_facts(event: GameEvent) -> EventFacts:
    payload = event.payload or {}
    target = payload.get("target") if isinstance(payload.get("target"), dict) else {}
    target_type, target_id = target.get("type"), target.get("id")
    if not target and payload.get("object_id"):  # an NPC or Spectra looking closely at a thing
        target_type, target_id = "object", payload["object_id"]
    carrying = payload.get("carrying") if isinstance(payload.get("carrying"), list) else []
    return EventFacts(
        type=event.type,
        actor_id=event.actor_id,
        location_id=event.location_id,
        listener_id=payload.get("listener_id"),
        target_type=target_type,
        target_id=target_id,
        object_id=payload.get("object_id") if isinstance(payload.get("object_id"), int) else None,
        receiver_id=payload.get("receiver_id") if isinstance(payload.get("receiver_id"), int) else None,
        carrying=tuple(i for i in carrying if isinstance(i, int)),
    )


def quests_advance(*, events: list[GameEvent], tick: int, include_waits: bool = False) -> list[int]:
    """Advance every active quest assignment whose current step `events` (or, with
    `include_waits`, the passing of time) meet; complete the quests whose last step is done,
    with their effects, publishing QUEST_STEP_COMPLETED / QUEST_COMPLETED.

    A constant number of queries: nothing at all when no assignment could be concerned.
    Returns the ids of the assignments advanced.
    """
    facts = [_event_facts(event) for event in events if event.type not in NARRATIVE_EVENT_TYPES]
    concerned = Q()
    people = {f.actor_id for f in facts if f.actor_id} | {f.listener_id for f in facts if f.listener_id}
    if people:
        concerned |= Q(character_id__in=people)
    types = {f.type for f in facts}
    if types:
        worldwide = {f.type for f in facts if f.location_id is None}
        places = {f.location_id for f in facts if f.location_id is not None}
        witness = Q(current_step__objective_type=QuestStep.Objective.WITNESS_EVENT)
        concerned |= witness & (
            Q(current_step__event_type__in=worldwide)
            | Q(current_step__event_type__in=types, character__location_id__in=places)
        )
    if include_waits:
        concerned |= Q(current_step__objective_type=QuestStep.Objective.WAIT)
    if not concerned:
        return []
    rows = list(
        QuestAssignment.objects.filter(concerned, status=QuestAssignment.Status.ACTIVE, current_step__isnull=False)
        .values(*_ASSIGNMENT_FIELDS, "step_started_tick", *(f"current_step__{name}" for name in _STEP_FIELDS))
        .order_by("id")
    )
    if not rows:
        return []
    holders = {
        row["id"]: HolderFacts(
            assignment_id=row["id"],
            character_id=row["character_id"],
            location_id=row["character__location_id"],
            step=StepFacts(**{name: row[f"current_step__{name}"] for name in _STEP_FIELDS}),
            step_started_tick=row["step_started_tick"],
        )
        for row in rows
    }
    targets = {h.step.target_character_id for h in holders.values() if h.step.objective_type == "talk_to"}
    targets.discard(None)
    locations = dict(Character.objects.filter(id__in=targets).values_list("id", "location_id")) if targets else {}
    met = [h for h in holders.values() if step_met(holder=h, events=facts, tick=tick, locations=locations)]
    if not met:
        return []
    return _quest_steps_complete(met=met, rows={row["id"]: row for row in rows}, tick=tick)


def _quest_steps_complete(*, met: list[HolderFacts], rows: dict[int, dict], tick: int) -> list[int]:
    quest_ids = {h.step.quest_id for h in met}
    steps = [
        StepFacts(**row)
        for row in QuestStep.objects.filter(quest_id__in=quest_ids)
        .order_by("quest_id", "order", "id")
        .values(*_STEP_FIELDS)
    ]
    now = timezone.now()
    updates: list[QuestAssignment] = []
    drafts: list[EventDraft] = []
    finished: list[_Outcome] = []
    for holder in met:
        row = rows[holder.assignment_id]
        following = next_step(steps=steps, current=holder.step)
        payload = {**_assignment_payload(row), "step": holder.step.order}
        drafts.append(_draft(QUEST_STEP_COMPLETED, payload, tick, holder.character_id, holder.location_id))
        done = following is None
        updates.append(
            QuestAssignment(
                id=holder.assignment_id,
                current_step_id=holder.step.id if done else following.id,
                status=QuestAssignment.Status.COMPLETED if done else QuestAssignment.Status.ACTIVE,
                step_started_tick=holder.step_started_tick if done else tick,
                updated_at=now,
            )
        )
        if done:
            finished.append(_Outcome.from_row(row, succeeded=True))
            drafts.append(
                _draft(
                    QUEST_COMPLETED,
                    {**payload, "rewards": row["quest__rewards"] or {}},
                    tick,
                    holder.character_id,
                    holder.location_id,
                )
            )
    QuestAssignment.objects.bulk_update(updates, ["current_step", "status", "step_started_tick", "updated_at"])
    _outcomes_apply(finished, tick=tick)
    publish_many(drafts)
    return [holder.assignment_id for holder in met]


def _draft(event_type: str, payload: dict, tick: int, actor_id: int, location_id: int | None) -> EventDraft:
    return EventDraft(type=event_type, payload=payload, tick=tick, location_id=location_id, actor_id=actor_id)


# --- Effects of completing and failing -------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """A finished assignment, with what its quest grants or costs."""

    character_id: int
    faction_id: int | None
    quest_id: int
    quest_title: str
    is_emergent: bool
    standing: dict
    discover: tuple[str, ...]
    succeeded: bool

    @classmethod
    def from_row(cls, row: dict, *, succeeded: bool) -> _Outcome:
        rewards = row.get("quest__rewards") or {}
        key = "standing" if succeeded else "failure_standing"
        standing = rewards.get(key) if isinstance(rewards.get(key), dict) else {}
        discover = rewards.get("discover") if succeeded and isinstance(rewards.get("discover"), list) else []
        return cls(
            character_id=row["character_id"],
            faction_id=row["character__faction_id"],
            quest_id=row["quest_id"],
            quest_title=row["quest__title"],
            is_emergent=bool(row.get("quest__is_emergent")),
            standing=standing,
            discover=tuple(slug for slug in discover if isinstance(slug, str)),
            succeeded=succeeded,
        )


def _outcomes_apply(outcomes: list[_Outcome], *, tick: int) -> None:
    """Standing changes, lore learned, and emergent quests closed (a constant number of queries).

    `{"standing": {"<faction slug>": value}}` adds a modifier to how that faction regards the
    holder's faction (nothing if the holder has none or it is that same faction); it fades
    slowly (QUEST_STANDING_DECAY per tick), as gratitude and grudges do.
    """
    if not outcomes:
        return
    slugs = {slug for outcome in outcomes for slug in outcome.standing}
    by_slug = dict(Faction.objects.filter(slug__in=slugs).values_list("slug", "id")) if slugs else {}
    changes = []
    for outcome in outcomes:
        verb = "completed" if outcome.succeeded else "failed"
        for slug, value in sorted(outcome.standing.items()):
            giver = by_slug.get(slug)
            if outcome.faction_id is None or giver is None or giver == outcome.faction_id:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            changes.append(
                ModifierChange(
                    faction_id=giver,
                    other_id=outcome.faction_id,
                    value=max(-200, min(200, value)),
                    reason=f"Quest {verb}: {outcome.quest_title}",
                    decay=QUEST_STANDING_DECAY,
                )
            )
    faction_modifiers_add_many(changes=changes, tick=tick)

    wanted = {slug for outcome in outcomes for slug in outcome.discover}
    if wanted:
        entries = dict(LoreEntry.objects.filter(slug__in=wanted).values_list("slug", "id"))
        LoreDiscovery.objects.bulk_create(
            [
                LoreDiscovery(character_id=outcome.character_id, entry_id=entries[slug], discovered_tick=tick)
                for outcome in outcomes
                for slug in outcome.discover
                if slug in entries
            ],
            ignore_conflicts=True,
        )
    # An emergent quest is its holder's errand: once settled, it is no longer offered.
    for status, succeeded in ((Quest.Status.COMPLETED, True), (Quest.Status.FAILED, False)):
        ids = {o.quest_id for o in outcomes if o.is_emergent and o.succeeded == succeeded}
        if ids:
            Quest.objects.filter(id__in=ids, status__in=OPEN_QUEST).update(status=status, updated_at=timezone.now())


def quests_fail_overdue(*, tick: int) -> list[int]:
    """Fail every active assignment whose deadline has passed, with the quest's failure
    effects, publishing QUEST_FAILED (a constant number of queries)."""
    rows = list(
        QuestAssignment.objects.filter(status=QuestAssignment.Status.ACTIVE, deadline_tick__lte=tick)
        .values(*_ASSIGNMENT_FIELDS)
        .order_by("id")
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    QuestAssignment.objects.filter(id__in=ids).update(status=QuestAssignment.Status.FAILED, updated_at=timezone.now())
    outcomes = [_Outcome.from_row(row, succeeded=False) for row in rows]
    _outcomes_apply(outcomes, tick=tick)
    publish_many(
        [
            _draft(
                QUEST_FAILED,
                {**_assignment_payload(row), "reason": "deadline"},
                tick,
                row["character_id"],
                row["character__location_id"],
            )
            for row in rows
        ]
    )
    return ids


# --- Players accept and abandon --------------------------------------------------------------


def _quest_for_player(slug) -> Quest:
    if not isinstance(slug, str) or not slug.strip():
        raise DomainError("quest: the slug of a quest is required.", code="missing_field")
    quest = Quest.objects.select_related("giver__location", "template").filter(slug=slug.strip()).first()
    if quest is None:
        raise DomainError(f"There is no quest {slug!r}.", code="unknown_quest", status_code=404)
    return quest


def _player_quest_publish(
    event_type: str, *, character: Character, quest: Quest, assignment: QuestAssignment, tick: int, **extra
) -> GameEvent:
    """A player's quest event, at the player's place."""
    payload = _quest_payload(
        assignment_id=assignment.id,
        character_id=character.id,
        quest_slug=quest.slug,
        quest_title=quest.title,
        character_kind=character.kind,
    )
    return publish(
        event_type,
        {**actor_payload(character), **payload, **extra},
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )


def quest_accept(*, character: Character, slug, tick: int) -> dict:
    """`character` (a player) takes the quest: it must be on offer, its giver must be here,
    and the player may hold at most QUEST_MAX_ACTIVE_PER_PLAYER quests at once. A quest
    abandoned or failed before may be taken again, from its first step."""
    quest = _quest_for_player(slug)
    if quest.status != Quest.Status.AVAILABLE:
        raise DomainError(f"{quest.title} is not on offer ({quest.status}).", code="quest_unavailable")
    giver = quest.giver
    if giver is not None and giver.id != character.id and giver.location_id != character.location_id:
        where = giver.location.name if giver.location else "somewhere in Htrae"
        raise DomainError(f"Find {giver.name} first; they are at {where}.", code="giver_not_here")
    first = quest.steps.order_by("order").first()
    if first is None:
        raise DomainError(f"{quest.title} has no steps yet.", code="quest_unavailable")
    held = QuestAssignment.objects.filter(character=character, quest=quest).first()
    if held is not None and held.status == QuestAssignment.Status.ACTIVE:
        raise DomainError(f"You already hold {quest.title}.", code="already_accepted")
    if held is not None and held.status == QuestAssignment.Status.COMPLETED:
        raise DomainError(f"You have completed {quest.title} already.", code="already_completed")
    active = QuestAssignment.objects.filter(character=character, status=QuestAssignment.Status.ACTIVE).count()
    if active >= settings.QUEST_MAX_ACTIVE_PER_PLAYER:
        raise DomainError(
            f"You hold {active} quests; finish or abandon one first.", code="too_many_quests", status_code=409
        )
    limit = quest.template.time_limit_ticks if quest.template else None
    assignment = held or QuestAssignment(character=character, quest=quest)
    assignment.status = QuestAssignment.Status.ACTIVE
    assignment.current_step = first
    assignment.step_started_tick = tick
    assignment.deadline_tick = tick + limit if limit else None
    assignment.save()
    event = _player_quest_publish(
        QUEST_ACCEPTED, character=character, quest=quest, assignment=assignment, tick=tick, objective=first.objective
    )
    return {
        "action": "accept_quest",
        "event_id": event.id,
        "quest": {"slug": quest.slug, "title": quest.title, "assignment_id": assignment.id},
        "step": {"order": first.order, "objective": first.objective, "objective_type": first.objective_type},
        "deadline_tick": assignment.deadline_tick,
    }


def quest_abandon(*, character: Character, slug, tick: int) -> dict:
    """`character` gives up a quest it holds; it may take it again later."""
    quest = _quest_for_player(slug)
    held = QuestAssignment.objects.filter(
        character=character, quest=quest, status=QuestAssignment.Status.ACTIVE
    ).first()
    if held is None:
        raise DomainError(f"You do not hold {quest.title}.", code="not_holding_quest")
    held.status = QuestAssignment.Status.ABANDONED
    held.save(update_fields=["status", "updated_at"])
    event = _player_quest_publish(QUEST_ABANDONED, character=character, quest=quest, assignment=held, tick=tick)
    return {"action": "abandon_quest", "event_id": event.id, "quest": {"slug": quest.slug, "title": quest.title}}


# --- Emergent quests -------------------------------------------------------------------------

CANDIDATES_PER_FACTION = 24  # NPCs looked at per faction in one pass, a different handful each pass


def emergence_facts_load(*, tick: int) -> tuple[list[emergence.TemplateFacts], emergence.WorldFacts]:
    """What `narrative.emergence` needs, in a constant number of queries whatever the size
    of the world: the templates, the places, a rotating sample of NPCs from each faction
    (and those tied to secrets), the factions, every relation's standing, the secrets, and
    the occasions already used."""
    templates = [
        emergence.TemplateFacts(
            id=t.id,
            slug=t.slug,
            trigger=t.trigger,
            title=t.title,
            description=t.description,
            steps=tuple(t.steps if isinstance(t.steps, list) else ()),
            standing_at_most=t.standing_at_most,
            standing_at_least=t.standing_at_least,
            reward_standing=t.reward_standing,
            failure_standing=t.failure_standing,
            time_limit_ticks=t.time_limit_ticks,
            cooldown_ticks=t.cooldown_ticks,
            max_active=t.max_active,
            active=t.open_quests,
        )
        for t in QuestTemplate.objects.filter(enabled=True)
        .annotate(open_quests=Count("quests", filter=Q(quests__status__in=OPEN_QUEST)))
        .order_by("id")
        # A template a designer broke is skipped rather than breaking the tick.
        if not emergence.template_problems(trigger=t.trigger, title=t.title, description=t.description, steps=t.steps)
    ]
    if not templates:
        return [], emergence.WorldFacts(locations={}, characters={}, factions={}, standings={})

    locations = dict(Location.objects.order_by("id").values_list("id", "name"))
    secrets = list(
        LoreEntry.objects.filter(category=LoreEntry.Category.SECRET).values_list("id", "slug", "title").order_by("id")
    )
    secret_ids = [row[0] for row in secrets]
    tied_places = _grouped(
        LoreEntry.locations.through.objects.filter(loreentry_id__in=secret_ids).values_list(
            "loreentry_id", "location_id"
        )
    )
    tied_people = _grouped(
        LoreEntry.characters.through.objects.filter(
            loreentry_id__in=secret_ids, character__kind=Character.Kind.NPC, character__is_active=True
        ).values_list("loreentry_id", "character_id")
    )
    tied_factions = _grouped(
        LoreEntry.factions.through.objects.filter(loreentry_id__in=secret_ids).values_list("loreentry_id", "faction_id")
    )

    # A different sample each pass: rank each faction's NPCs by a hash that moves with the tick.
    shuffle = Mod(F("id") * 7919 + tick * 104729, 1000003)
    sample = list(
        Character.objects.filter(kind=Character.Kind.NPC, is_active=True)
        .annotate(rank=Window(RowNumber(), partition_by=[F("faction_id")], order_by=shuffle.asc()))
        .filter(rank__lte=CANDIDATES_PER_FACTION)
        .values_list("id", flat=True)
    )
    tied = {cid for people in tied_people.values() for cid in people}
    busy = set(
        QuestAssignment.objects.filter(
            status=QuestAssignment.Status.ACTIVE, quest__is_emergent=True, character__kind=Character.Kind.NPC
        ).values_list("character_id", flat=True)
    )
    characters = {
        row.id: emergence.CharacterFacts(
            id=row.id,
            name=row.name,
            location_id=row.location_id,
            faction_id=row.faction_id,
            goals=tuple(str(goal) for goal in (row.goals or []) if goal),
            busy=row.id in busy,
        )
        for row in Character.objects.filter(id__in=set(sample) | tied)
        .only("id", "name", "location_id", "faction_id", "goals")
        .order_by("id")
    }
    members: dict[int, list[int]] = {}
    for character in characters.values():
        if character.faction_id is not None:
            members.setdefault(character.faction_id, []).append(character.id)
    factions = {
        f.id: emergence.FactionFacts(
            id=f.id, slug=f.slug, name=f.name, home_id=f.home_id, member_ids=tuple(sorted(members.get(f.id, ())))
        )
        for f in Faction.objects.only("id", "slug", "name", "home_id").order_by("id")
    }
    known: dict[int, set[int]] = {}
    for entry_id, character_id in LoreDiscovery.objects.filter(
        entry_id__in=secret_ids, character_id__in=list(characters)
    ).values_list("entry_id", "character_id"):
        known.setdefault(entry_id, set()).add(character_id)
    last_started: dict[str, int] = {}
    completed: set[str] = set()
    for origin_key, status, last in (
        Quest.objects.filter(is_emergent=True)
        .exclude(origin_key="")
        .values("origin_key", "status")
        .annotate(last=Max("created_tick"))
        .values_list("origin_key", "status", "last")
    ):
        last_started[origin_key] = max(last, last_started.get(origin_key, last))
        if status == Quest.Status.COMPLETED:
            completed.add(origin_key)
    world = emergence.WorldFacts(
        locations=locations,
        characters=characters,
        factions=factions,
        standings=relation_standings(tick=tick),
        secrets=tuple(
            emergence.SecretFacts(
                id=entry_id,
                slug=slug,
                title=title,
                location_ids=tuple(sorted(tied_places.get(entry_id, ()))),
                character_ids=tuple(sorted(tied_people.get(entry_id, ()))),
                faction_ids=tuple(sorted(tied_factions.get(entry_id, ()))),
                known_by=frozenset(known.get(entry_id, ())),
            )
            for entry_id, slug, title in secrets
        ),
        last_started=last_started,
        completed_origins=frozenset(completed),
    )
    return templates, world


def _grouped(pairs) -> dict[int, list[int]]:
    """(key, value) pairs → {key: [values]}."""
    grouped: dict[int, list[int]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def emergent_quests_start(*, tick: int, seed: int, limit: int | None = None) -> list[Quest]:
    """Start the quests the world's state gives rise to now (see `narrative.emergence`):
    each is created on offer to players, held by the NPC it concerns, and announced with
    QUEST_STARTED. A constant number of queries."""
    templates, world = emergence_facts_load(tick=tick)
    if not templates:
        return []
    plans = emergence.plan_emergent_quests(
        templates=templates, world=world, tick=tick, seed=seed, limit=limit or settings.QUEST_EMERGENT_PER_PASS
    )
    if not plans:
        return []
    template_slugs = {template.id: template.slug for template in templates}
    quests = Quest.objects.bulk_create(
        [
            Quest(
                title=plan.title,
                slug=slugify(f"{plan.origin_key.replace(':', '-')}-{tick}")[:160],
                description=plan.description,
                status=Quest.Status.AVAILABLE,
                giver_id=plan.giver_id,
                faction_id=plan.faction_id,
                rewards=plan.rewards,
                is_emergent=True,
                template_id=plan.template_id,
                origin_key=plan.origin_key[:120],
                created_tick=tick,
            )
            for plan in plans
        ]
    )
    steps = QuestStep.objects.bulk_create(
        [
            QuestStep(
                quest=quest,
                order=step.order,
                objective=step.objective,
                objective_type=step.objective_type,
                target_location_id=step.target_location_id,
                target_character_id=step.target_character_id,
                wait_ticks=step.wait_ticks,
                event_type=step.event_type,
            )
            for quest, plan in zip(quests, plans, strict=True)
            for step in plan.steps
        ]
    )
    first_steps = {step.quest_id: step for step in reversed(steps)}  # reversed: the lowest order wins
    assignments = QuestAssignment.objects.bulk_create(
        [
            QuestAssignment(
                character_id=plan.holder_id,
                quest=quest,
                current_step=first_steps[quest.id],
                step_started_tick=tick,
                deadline_tick=plan.deadline_tick,
            )
            for quest, plan in zip(quests, plans, strict=True)
        ]
    )
    publish_many(
        [
            _draft(
                QUEST_STARTED,
                {
                    **_quest_payload(
                        assignment_id=assignment.id,
                        character_id=plan.holder_id,
                        quest_slug=quest.slug,
                        quest_title=quest.title,
                        character_kind=Character.Kind.NPC,
                    ),
                    "actor_id": plan.holder_id,
                    "actor_name": world.characters[plan.holder_id].name,
                    "template": template_slugs[plan.template_id],
                    "origin": plan.origin_key,
                    "objective": plan.steps[0].objective,
                    "deadline_tick": plan.deadline_tick,
                },
                tick,
                plan.holder_id,
                world.characters[plan.holder_id].location_id,
            )
            for quest, plan, assignment in zip(quests, plans, assignments, strict=True)
        ]
    )
    return quests


def quests_tick_run(*, tick: int, seed: int, events: list[GameEvent]) -> None:
    """The quest engine's share of a tick: advance steps on the tick's events and on time,
    fail what is overdue, and every QUEST_EMERGENCE_EVERY_TICKS ticks start emergent quests."""
    quests_advance(events=events, tick=tick, include_waits=True)
    quests_fail_overdue(tick=tick)
    every = settings.QUEST_EMERGENCE_EVERY_TICKS
    if every and tick % every == 0:
        emergent_quests_start(tick=tick, seed=seed)

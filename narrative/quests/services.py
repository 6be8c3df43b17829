"""Writes of the quest engine: steps advanced by what happens in the world, quests completed
or failed with their effects, quests players accept and abandon (emergent quests are started
by `narrative.quests.emergent`).

Events published here:

| event                | when                                                   | actor / location       |
| -------------------- | ------------------------------------------------------ | ---------------------- |
| QUEST_STARTED        | the world starts an emergent quest                     | its holder, where it is |
| QUEST_ACCEPTED       | a player (or an NPC at a giver's side) takes a quest   | the taker               |
| QUEST_ABANDONED      | a player gives a quest up                              | the player              |
| QUEST_STEP_COMPLETED | a holder's current step is met                         | the holder              |
| QUEST_COMPLETED      | its last step is met; rewards are granted              | the holder              |
| QUEST_FAILED         | its deadline passes first, a rival wins its prize      | the holder              |
|                      | first, or its giver has a change of heart; failure     |                         |
|                      | effects apply (`reason`: `FailureReason`)              |                         |
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from htrae.errors import DomainError
from htrae.vocabulary import EventType
from narrative.factions.services import ModifierChange, faction_modifiers_add_many
from narrative.models import Faction, LoreDiscovery, LoreEntry, Quest, QuestAssignment, QuestStep
from narrative.quests.logic import EventFacts, HolderFacts, StepFacts, next_step, rivals_beaten, step_met
from world.events import EventDraft, publish, publish_many
from world.models import Character, GameEvent
from world.services import actor_payload

# Events of the quest engine itself never meet a step (a step is met by the world).
NARRATIVE_EVENT_TYPES = EventType.QUESTS | EventType.FACTIONS

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


def quest_payload(
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
    """`quest_payload` from an assignment row read with its quest and character."""
    return quest_payload(
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
        concerned |= Q(character_id__any=people)
    types = {f.type for f in facts}
    if types:
        worldwide = {f.type for f in facts if f.location_id is None}
        places = {f.location_id for f in facts if f.location_id is not None}
        witness = Q(current_step__objective_type=QuestStep.Objective.WITNESS_EVENT)
        concerned |= witness & (
            Q(current_step__event_type__in=worldwide)
            | Q(current_step__event_type__in=types, character__location_id__any=places)
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
    locations = dict(Character.objects.filter(id__any=targets).values_list("id", "location_id")) if targets else {}
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
        drafts.append(
            quest_event_draft(EventType.QUEST_STEP_COMPLETED, payload, tick, holder.character_id, holder.location_id)
        )
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
                quest_event_draft(
                    EventType.QUEST_COMPLETED,
                    {**payload, "rewards": row["quest__rewards"] or {}},
                    tick,
                    holder.character_id,
                    holder.location_id,
                )
            )
    QuestAssignment.objects.bulk_update(updates, ["current_step", "status", "step_started_tick", "updated_at"])
    _outcomes_apply(finished, tick=tick)
    publish_many(drafts)
    _rivals_beaten_fail(finished, tick=tick)
    return [holder.assignment_id for holder in met]


def quest_event_draft(event_type: str, payload: dict, tick: int, actor_id: int, location_id: int | None) -> EventDraft:
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
    return assignments_fail(rows, reason=FailureReason.DEADLINE, tick=tick)


class FailureReason:
    """Why a quest failed (QUEST_FAILED's `reason`)."""

    DEADLINE = "deadline"
    RIVAL_FIRST = "rival_first"  # another holder won what it was after first
    CHANGE_OF_HEART = "change_of_heart"  # its giver no longer wants it done


def assignments_fail(rows: list[dict], *, reason: str, tick: int) -> list[int]:
    """Fail these active assignments (rows of `_ASSIGNMENT_FIELDS`) with their quests' failure
    effects, publishing QUEST_FAILED with `reason` (a constant number of queries)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    QuestAssignment.objects.filter(id__any=ids).update(status=QuestAssignment.Status.FAILED, updated_at=timezone.now())
    outcomes = [_Outcome.from_row(row, succeeded=False) for row in rows]
    _outcomes_apply(outcomes, tick=tick)
    publish_many(
        [
            quest_event_draft(
                EventType.QUEST_FAILED,
                {**_assignment_payload(row), "reason": reason},
                tick,
                row["character_id"],
                row["character__location_id"],
            )
            for row in rows
        ]
    )
    return ids


def _rivals_beaten_fail(finished: list[_Outcome], *, tick: int) -> list[int]:
    """Fail the open emergent quests after a secret a quest completed just now has won (one
    query when a completed quest won one; none otherwise)."""
    won = [(outcome.quest_id, outcome.discover) for outcome in finished if outcome.discover]
    if not won:
        return []
    rows = list(
        QuestAssignment.objects.filter(status=QuestAssignment.Status.ACTIVE, quest__is_emergent=True)
        .exclude(quest_id__in=[quest_id for quest_id, _ in won])
        .values(*_ASSIGNMENT_FIELDS)
        .order_by("id")
    )
    still_open = [(row["id"], row["quest_id"], _discoveries(row["quest__rewards"])) for row in rows]
    beaten = set(rivals_beaten(won=won, still_open=still_open))
    return assignments_fail([row for row in rows if row["id"] in beaten], reason=FailureReason.RIVAL_FIRST, tick=tick)


def _discoveries(rewards) -> tuple[str, ...]:
    found = rewards.get("discover") if isinstance(rewards, dict) else None
    return tuple(slug for slug in found if isinstance(slug, str)) if isinstance(found, list) else ()


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
    payload = quest_payload(
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
        EventType.QUEST_ACCEPTED,
        character=character,
        quest=quest,
        assignment=assignment,
        tick=tick,
        objective=first.objective,
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
    event = _player_quest_publish(
        EventType.QUEST_ABANDONED, character=character, quest=quest, assignment=held, tick=tick
    )
    return {"action": "abandon_quest", "event_id": event.id, "quest": {"slug": quest.slug, "title": quest.title}}

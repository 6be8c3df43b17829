"""Emergent quests: the quests the world's state gives rise to (`narrative.quests.emergence`
decides which; this module loads the facts and writes the result), announced with
QUEST_STARTED."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils import timezone
from django.utils.text import slugify

from htrae.vocabulary import EventType
from narrative.factions.selectors import relation_standings
from narrative.models import Faction, LoreDiscovery, LoreEntry, Quest, QuestAssignment, QuestStep, QuestTemplate
from narrative.quests import emergence
from narrative.quests.logic import giver_changed_heart
from narrative.quests.services import (
    _ASSIGNMENT_FIELDS,
    OPEN_QUEST,
    FailureReason,
    assignments_fail,
    quest_event_draft,
    quest_payload,
)
from world.events import publish_many
from world.models import Character, Location

CHAIN_WINDOW_TICKS = 240  # a chain left this long after its last quest was started stays closed
CANDIDATES_PER_FACTION = 24  # NPCs looked at per faction in one pass, a different handful each pass


def emergence_facts_load(*, tick: int) -> tuple[list[emergence.TemplateFacts], emergence.WorldFacts]:
    """What `narrative.quests.emergence` needs, in a constant number of queries whatever the size
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
            chained=t.led_from_count > 0,
        )
        for t in QuestTemplate.objects.filter(enabled=True)
        .annotate(
            open_quests=Count("quests", filter=Q(quests__status__in=OPEN_QUEST), distinct=True),
            led_from_count=Count("led_from", distinct=True),
        )
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
    openings = chain_openings_load(tick=tick)
    tied |= {opening.holder_id for opening in openings}
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
    # Completed by its holder (the quest itself may be archived since).
    holder_done = Count("assignments", filter=Q(assignments__status=QuestAssignment.Status.COMPLETED))
    for origin_key, done, last in (
        Quest.objects.filter(is_emergent=True)
        .exclude(origin_key="")
        .values("origin_key")
        .annotate(done=holder_done, last=Max("created_tick"))
        .values_list("origin_key", "done", "last")
    ):
        last_started[origin_key] = last
        if done:
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
        open_titles=frozenset(Quest.objects.filter(status__in=OPEN_QUEST).values_list("title", flat=True)),
        chain_openings=openings,
    )
    return templates, world


def chain_openings_load(*, tick: int) -> tuple[emergence.ChainOpening, ...]:
    """The chains open now (one query): emergent quests completed by their holder within the
    last CHAIN_WINDOW_TICKS whose template leads to another and that no quest follows yet."""
    rows = (
        QuestAssignment.objects.filter(
            status=QuestAssignment.Status.COMPLETED,
            quest__is_emergent=True,
            quest__template__leads_to__enabled=True,
            quest__followed_by__isnull=True,
            quest__created_tick__gte=tick - CHAIN_WINDOW_TICKS,
            character__is_active=True,
        )
        .order_by("quest_id")
        .values_list("quest_id", "quest__template__leads_to_id", "character_id", "quest__origin_key")
    )
    return tuple(emergence.ChainOpening(*row) for row in rows)


def _grouped(pairs) -> dict[int, list[int]]:
    """(key, value) pairs → {key: [values]}."""
    grouped: dict[int, list[int]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def emergent_quests_start(*, tick: int, seed: int, limit: int | None = None) -> list[Quest]:
    """Start the quests the world's state gives rise to now (see `narrative.quests.emergence`):
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
    followed = [plan.follows_id for plan in plans if plan.follows_id is not None]
    quest_slugs = dict(Quest.objects.filter(id__in=followed).values_list("id", "slug")) if followed else {}
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
                follows_id=plan.follows_id,
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
            quest_event_draft(
                EventType.QUEST_STARTED,
                {
                    **quest_payload(
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
                    **({"follows": quest_slugs[plan.follows_id]} if plan.follows_id in quest_slugs else {}),
                },
                tick,
                plan.holder_id,
                world.characters[plan.holder_id].location_id,
            )
            for quest, plan, assignment in zip(quests, plans, assignments, strict=True)
        ]
    )
    return quests


def quests_called_off(*, tick: int) -> list[int]:
    """Fail the emergent relation quests whose givers have had a change of heart: the relation
    that gave rise to each has moved well out of its template's band
    (`narrative.quests.logic.giver_changed_heart`). Four queries; returns the assignments failed."""
    rows = list(
        QuestAssignment.objects.filter(
            status=QuestAssignment.Status.ACTIVE,
            quest__is_emergent=True,
            quest__template__trigger=QuestTemplate.Trigger.RELATION,
        )
        .values(
            *_ASSIGNMENT_FIELDS,
            "quest__origin_key",
            "quest__template__standing_at_most",
            "quest__template__standing_at_least",
        )
        .order_by("id")
    )
    if not rows:
        return []
    by_slug = dict(Faction.objects.values_list("slug", "id"))
    standings = relation_standings(tick=tick)
    off = []
    for row in rows:
        parts = row["quest__origin_key"].split(":")
        pair = (by_slug.get(parts[1]), by_slug.get(parts[2])) if len(parts) == 3 else (None, None)
        if giver_changed_heart(
            standing=standings.get(pair),
            at_most=row["quest__template__standing_at_most"],
            at_least=row["quest__template__standing_at_least"],
        ):
            off.append(row)
    return assignments_fail(off, reason=FailureReason.CHANGE_OF_HEART, tick=tick)


def emergent_quests_archive() -> int:
    """Archive the emergent quests that have ended (completed or failed): they leave the
    designers' lists of open and settled quests, their holders' assignments keep how they
    ended. One query; returns how many were archived."""
    return Quest.objects.filter(is_emergent=True, status__in=[Quest.Status.COMPLETED, Quest.Status.FAILED]).update(
        status=Quest.Status.ARCHIVED, updated_at=timezone.now()
    )

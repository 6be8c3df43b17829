"""Insight: beliefs drawn from patterns in a character's memories (pure Python, no ORM).

A reflection (`memory.reflection`) hands this module a character's recent memories as plain
`MemoryRecord`s (what happened, who else was in it, where, which faction, object or topic,
how the rememberer felt and in what mood the other acted) and the beliefs it already holds.
`draw_beliefs` groups the memories by subject (a person, a faction, a place, an object, a
topic named in them), measures each group (how many, how they felt on average, how
consistently, how often at night), and lets the patterns (`PATTERNS`, designer-tunable
thresholds) turn a strong enough group into a `BeliefDraft`: subject, stance, confidence,
the statement in the character's words, and the ids of the memories it came from.
`revise` then says what a new draft does to a belief already held: form, strengthen,
weaken or overturn it.

Nothing here breaks a tie on anything but ids, counts and names, and no set order reaches
the output: the same memories give the same beliefs in any process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from htrae.text import MIN_NAME_LENGTH, bare_name

PERSON, FACTION, PLACE, OBJECT, TOPIC = "person", "faction", "place", "object", "topic"

# How each mood feels (its pleasure, after the PAD prototypes in spectra.emotion); a mood
# not listed counts as no feeling at all.
MOOD_VALENCE: dict[str, float] = {
    "joy": 0.7,
    "wonder": 0.6,
    "warmth": 0.45,
    "calm": 0.35,
    "curiosity": 0.2,
    "intensity": -0.2,
    "melancholy": -0.5,
    "unease": -0.6,
    "anger": -0.5,
    "aloofness": -0.4,
    "contentment": 0.45,
}
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4})
MAX_CITATIONS = 8
MIN_GAIN = 0.02  # a strengthening smaller than this is not worth a revision


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int | None
    name: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id if self.id is not None else self.name.lower()}"


@dataclass(frozen=True)
class MemoryRecord:
    """One memory as reflection sees it."""

    id: int
    importance: float
    content: str = ""
    type: str = "short_term"
    feeling: str = ""  # the rememberer's mood then
    tone: str = ""  # the other's mood then
    hour: int | None = None
    person: Subject | None = None  # the other character in it
    faction: Subject | None = None  # that character's faction
    place: Subject | None = None
    object: Subject | None = None
    topics: tuple[Subject, ...] = ()  # places, objects, factions its words name


@dataclass(frozen=True)
class Pattern:
    """When a group of memories about one kind of subject becomes a belief.

    The group must hold `min_memories` (from `min_sources` distinct people, for gossip), feel
    on average at least `min_valence` (or at most `max_valence`), agree in sign in
    `min_consistency` of its memories, and for `at_night` mostly have happened at night.
    `measure` is what is averaged: "feeling" (mine), "tone" (theirs) or "both"."""

    slug: str
    kind: str
    stance: str
    statement: str  # "{subject}", "{topic}" filled in
    min_memories: int = 3
    min_valence: float | None = None
    max_valence: float | None = None
    min_consistency: float = 0.7
    measure: str = "feeling"
    at_night: bool = False
    needs_topic: bool = False
    min_sources: int = 0
    min_feeling: float | None = None  # "concern": they are troubled, I am not upset by them
    precedence: int = 0  # among patterns a group meets, the highest wins


PATTERNS: tuple[Pattern, ...] = (
    Pattern("admire", PERSON, "admiration", "I admire {subject}.", 4, min_valence=0.5, measure="both", precedence=3),
    Pattern(
        "trust", PERSON, "trust", "I have come to trust {subject}.", 3, min_valence=0.3, measure="both", precedence=2
    ),
    Pattern(
        "distrust", PERSON, "distrust", "I do not trust {subject}.", 3, max_valence=-0.2, measure="both", precedence=2
    ),
    Pattern(
        "troubled",
        PERSON,
        "concern",
        "{subject} has been troubled lately.",
        3,
        max_valence=-0.2,
        measure="tone",
        min_feeling=-0.05,
        precedence=3,
    ),
    Pattern("familiar", PERSON, "familiarity", "I have come to know {subject} well.", 6, min_consistency=0.0),
    Pattern(
        "suspect",
        FACTION,
        "suspicion",
        "{subject} is hiding something about {topic}.",
        3,
        max_valence=-0.1,
        measure="both",
        needs_topic=True,
        precedence=3,
    ),
    Pattern(
        "faction_trust",
        FACTION,
        "trust",
        "I have come to trust {subject}.",
        4,
        min_valence=0.3,
        measure="both",
        precedence=2,
    ),
    Pattern(
        "faction_wary",
        FACTION,
        "distrust",
        "I am wary of {subject}.",
        4,
        max_valence=-0.2,
        measure="both",
        precedence=2,
    ),
    Pattern(
        "night_fear",
        PLACE,
        "fear",
        "{subject} is dangerous at night.",
        3,
        max_valence=-0.2,
        at_night=True,
        precedence=3,
    ),
    Pattern("fear", PLACE, "fear", "{subject} is dangerous.", 3, max_valence=-0.2, precedence=2),
    Pattern("fond", PLACE, "fondness", "I feel at home at {subject}.", 4, min_valence=0.3, precedence=2),
    Pattern("drawn", OBJECT, "fascination", "{subject} keeps drawing me back.", 3, min_valence=0.1, precedence=2),
    Pattern(
        "uneasy_object", OBJECT, "unease", "Something about {subject} is wrong.", 3, max_valence=-0.2, precedence=2
    ),
    Pattern("gossip", TOPIC, "interest", "Everyone is talking about {subject}.", 3, min_consistency=0.0, min_sources=3),
)


@dataclass(frozen=True)
class Evidence:
    """What a character's memories say about one subject."""

    subject: Subject
    memory_ids: tuple[int, ...]  # most important first, then newest
    valence: float  # by the pattern's measure, see `measure`
    feeling: float
    tone: float | None
    consistency: float
    night_share: float
    sources: int  # distinct people it came from
    topic: Subject | None = None  # for a faction: the topic its members' memories share
    member_id: int | None = None  # for a faction: the member met most


@dataclass(frozen=True)
class BeliefDraft:
    subject: Subject
    stance: str
    valence: float
    confidence: float
    statement: str
    citations: tuple[int, ...]
    pattern: str = ""
    qualifiers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class HeldBelief:
    """A belief the character holds now."""

    id: int
    subject: Subject
    stance: str
    valence: float
    confidence: float
    statement: str
    citations: tuple[int, ...] = ()
    qualifiers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """What a reflection does to one subject's belief."""

    kind: str  # formed, strengthened, weakened, overturned
    draft: BeliefDraft
    previous_id: int | None = None


def valence(mood: str) -> float | None:
    return MOOD_VALENCE.get(mood) if mood else None


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


class Lexicon:
    """The names a memory's words may name (places, objects, ...), matched by one pattern."""

    def __init__(self, subjects: Iterable[Subject]) -> None:
        self.subjects = tuple(subjects)
        self._bare = [bare_name(subject.name).lower() for subject in self.subjects]
        # each name's subjects by position: a reflection at 10,000 NPCs reads some 50,000
        # memories against thousands of names, so a match looks up, not scans, the lexicon
        self._positions: dict[str, list[int]] = {}
        for position, bare in enumerate(self._bare):
            self._positions.setdefault(bare, []).append(position)
        names = sorted({name for name in self._bare if len(name) >= MIN_NAME_LENGTH}, key=lambda n: (-len(n), n))
        alternatives = "|".join(re.escape(name) for name in names)
        self._finder = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if names else None

    def named(self, content: str, *, skip: Iterable[Subject] = ()) -> tuple[Subject, ...]:
        """The subjects `content` names, in lexicon order, but those in `skip`."""
        if self._finder is None:
            return ()
        said = {match.lower() for match in self._finder.findall(content)}
        if not said:
            return ()
        skipped = {subject.key for subject in skip}
        positions = sorted(position for name in said for position in self._positions.get(name, ()))
        return tuple(self.subjects[p] for p in positions if self.subjects[p].key not in skipped)


def _groups(records: Sequence[MemoryRecord], since: Mapping[str, int]) -> dict[str, tuple[Subject, list[MemoryRecord]]]:
    """Memories by subject key; each memory joins the group of its person, that person's
    faction, its place, its object and each topic it names; for a subject in `since`, only
    memories newer than that id (what happened since the belief held about it)."""
    groups: dict[str, tuple[Subject, list[MemoryRecord]]] = {}
    for record in records:
        subjects = [record.person, record.faction, record.place, record.object]
        subjects += [Subject(TOPIC, None, topic.name) for topic in record.topics]
        seen: set[str] = set()
        for subject in subjects:
            if subject is None or subject.key in seen or record.id <= since.get(subject.key, 0):
                continue
            seen.add(subject.key)
            groups.setdefault(subject.key, (subject, []))[1].append(record)
    return groups


MEASURES = ("feeling", "tone", "both")  # whose mood a pattern weighs: one's own, the other's, either


def _evidence(subject: Subject, records: list[MemoryRecord]) -> dict[str, Evidence]:
    """What `records` say about `subject`, by each of the MEASURES. All but the valence and
    its consistency is the same for the three, so it is worked out once: a reflecting tick at
    10,000 NPCs weighs tens of thousands of subjects."""
    feelings, tones, both = [], [], []
    for record in records:
        felt, toned = valence(record.feeling), valence(record.tone)
        if felt is not None:
            feelings.append(felt)
        if toned is not None:
            tones.append(toned)
        if felt is not None and toned is not None:
            both.append((felt + toned) / 2)
        elif felt is not None or toned is not None:
            both.append(felt if felt is not None else toned)
    ranked = tuple(r.id for r in sorted(records, key=lambda r: (-r.importance, -r.id)))
    hours = [r.hour for r in records if r.hour is not None]
    topic, member_id = None, None
    if subject.kind == FACTION:
        topic = _shared_topic(records, exclude=subject)
        counts: dict[int, int] = {}
        for record in records:
            if record.person is not None and record.person.id is not None:
                counts[record.person.id] = counts.get(record.person.id, 0) + 1
        member_id = min(counts, key=lambda pid: (-counts[pid], pid)) if counts else None
    shared = {
        "subject": subject,
        "memory_ids": ranked,
        "feeling": round(_mean(feelings), 4),
        "tone": round(_mean(tones), 4) if tones else None,
        "night_share": round(sum(1 for h in hours if h in NIGHT_HOURS) / len(hours), 4) if hours else 0.0,
        "sources": len({r.person.key for r in records if r.person is not None}),
        "topic": topic,
        "member_id": member_id,
    }
    measured = {}
    for measure, values in zip(MEASURES, (feelings, tones, both), strict=True):
        mean = _mean(values)
        agreeing = sum(1 for value in values if (value > 0) == (mean > 0) and value != 0)
        measured[measure] = Evidence(
            valence=round(mean, 4), consistency=round(agreeing / len(values), 4) if values else 0.0, **shared
        )
    return measured


def _shared_topic(records: Sequence[MemoryRecord], *, exclude: Subject) -> Subject | None:
    """The object or named topic that most of a faction's memories share (at least two)."""
    counts: dict[str, tuple[Subject, int]] = {}
    for record in records:
        named = {s.key: s for s in (record.object, *record.topics) if s is not None and s.key != exclude.key}
        for key, subject in named.items():
            counts[key] = (subject, counts.get(key, (subject, 0))[1] + 1)
    best = sorted(counts.values(), key=lambda item: (-item[1], item[0].name))
    return best[0][0] if best and best[0][1] >= 2 else None


def _meets(pattern: Pattern, evidence: Evidence, count: int) -> bool:
    if count < pattern.min_memories or evidence.sources < pattern.min_sources:
        return False
    if pattern.min_valence is not None and evidence.valence < pattern.min_valence:
        return False
    if pattern.max_valence is not None and evidence.valence > pattern.max_valence:
        return False
    if pattern.min_consistency and evidence.consistency < pattern.min_consistency:
        return False
    if pattern.at_night and evidence.night_share < 0.6:
        return False
    if pattern.needs_topic and evidence.topic is None:
        return False
    return pattern.min_feeling is None or evidence.feeling >= pattern.min_feeling


def confidence_of(evidence: Evidence, count: int, pattern: Pattern) -> float:
    """More memories and more agreement make a surer belief; never certainty."""
    agreement = evidence.consistency if pattern.min_consistency else 1.0
    return round(min(0.95, agreement * count / (count + 2)), 3)


def draw_beliefs(
    records: Sequence[MemoryRecord],
    *,
    patterns: Sequence[Pattern] = PATTERNS,
    held: Mapping[str, HeldBelief] | None = None,
) -> tuple[list[BeliefDraft], dict[str, Evidence]]:
    """The beliefs these memories support (at most one per subject, the most telling
    pattern), strongest first, and the evidence on every subject (for revisions). On a
    subject the character already holds a belief about, only the memories since that
    belief's newest citation count: a revision weighs what happened since."""
    drafts: list[BeliefDraft] = []
    evidence_by_key: dict[str, Evidence] = {}
    since = {key: max(belief.citations, default=0) for key, belief in (held or {}).items()}
    for key, (subject, group) in sorted(_groups(records, since).items()):
        measured = _evidence(subject, group)
        evidence_by_key[key] = measured["both"]
        fitting = [p for p in patterns if p.kind == subject.kind and _meets(p, measured[p.measure], len(group))]
        if not fitting:
            continue
        pattern = max(fitting, key=lambda p: (p.precedence, -patterns.index(p)))
        evidence = measured[pattern.measure]
        topic = evidence.topic.name if evidence.topic else ""
        qualifiers: dict[str, object] = {"pattern": pattern.slug}
        if pattern.at_night:
            qualifiers["when"] = "night"
        if pattern.needs_topic and evidence.topic:
            qualifiers["topic"] = topic
        if evidence.member_id is not None:
            qualifiers["member_id"] = evidence.member_id
        drafts.append(
            BeliefDraft(
                subject=subject,
                stance=pattern.stance,
                # A pattern of repetition alone (familiarity, gossip) says nothing of feeling.
                valence=max(-1.0, min(1.0, evidence.valence)) if pattern.min_consistency else 0.0,
                confidence=confidence_of(evidence, len(group), pattern),
                statement=_sentence(pattern.statement.format(subject=subject.name, topic=topic)),
                citations=evidence.memory_ids[:MAX_CITATIONS],
                pattern=pattern.slug,
                qualifiers=qualifiers,
            )
        )
    drafts.sort(key=lambda d: (-d.confidence, d.subject.key))
    return drafts, evidence_by_key


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[0].upper() + text[1:] if text else text


def _sign(value: float) -> int:
    return (value > 0.05) - (value < -0.05)


def revise(
    held: Mapping[str, HeldBelief],
    drafts: Sequence[BeliefDraft],
    evidence: Mapping[str, Evidence],
    *,
    require_new_citations: bool = True,
) -> list[Revision]:
    """What the new drafts (and the evidence behind no draft) do to the beliefs held:

    - a draft on a new subject forms a belief;
    - a draft agreeing with the held one (same stance, or the same feeling's sign) and
      citing memories the old did not strengthens it (a surer belief, possibly a sharper
      stance: trust becoming admiration);
    - a draft of the opposite feeling overturns it when at least as sure, else weakens it;
    - memories of the opposite feeling that form no belief of their own weaken it.
    A draft of no feeling either way (a model's plain insight) agrees with what is held.
    A draft citing nothing new changes nothing (the same memories said it already), unless
    `require_new_citations` is off (a model's words restating the offline rules' belief)."""
    revisions: list[Revision] = []
    drafted = {draft.subject.key for draft in drafts}
    for draft in drafts:
        old = held.get(draft.subject.key)
        if old is None:
            revisions.append(Revision("formed", draft))
            continue
        if require_new_citations and not set(draft.citations) - set(old.citations):
            continue
        if require_new_citations and _sign(draft.valence) == 0 and draft.stance != old.stance:
            continue  # mere repetition neither confirms nor shakes a felt belief
        # Feelings of the same sign agree; a belief of no feeling (familiarity) agrees with
        # any, and deepens into a felt one (knowing someone well, then trusting them).
        agrees = draft.stance == old.stance or 0 in (_sign(draft.valence), _sign(old.valence))
        agrees = agrees or _sign(draft.valence) == _sign(old.valence)
        if agrees:
            sure = round(min(0.98, 1 - (1 - old.confidence) * (1 - 0.5 * draft.confidence)), 3)
            stance_kept = draft if abs(draft.valence) >= abs(old.valence) else None
            if (stance_kept is None or draft.stance == old.stance) and sure - old.confidence < MIN_GAIN:
                continue  # already as sure as this can make it: no new row for nothing
            statement = stance_kept.statement if stance_kept else old.statement
            revisions.append(
                Revision(
                    "strengthened",
                    BeliefDraft(
                        subject=draft.subject,
                        stance=(stance_kept or old).stance,
                        valence=draft.valence,
                        confidence=max(sure, old.confidence),
                        statement=statement,
                        citations=draft.citations,
                        pattern=draft.pattern,
                        qualifiers=draft.qualifiers,
                    ),
                    old.id,
                )
            )
        elif draft.confidence >= old.confidence:
            revisions.append(Revision("overturned", draft, old.id))
        else:
            revisions.append(Revision("weakened", _weakened(old, draft.confidence, draft.citations), old.id))
    for key, old in sorted(held.items()):
        found = evidence.get(key)
        if key in drafted or found is None or _sign(found.valence) * _sign(old.valence) >= 0:
            continue
        if len(found.memory_ids) < 2 or not set(found.memory_ids) - set(old.citations):
            continue
        doubt = round(found.consistency * len(found.memory_ids) / (len(found.memory_ids) + 4), 3)
        revisions.append(Revision("weakened", _weakened(old, doubt, found.memory_ids[:MAX_CITATIONS]), old.id))
    return revisions


def _weakened(old: HeldBelief, doubt: float, citations: tuple[int, ...]) -> BeliefDraft:
    statement = old.statement
    if not statement.startswith("I am less sure"):
        statement = f"I am less sure of it now: {statement}"
    return BeliefDraft(
        subject=old.subject,
        stance=old.stance,
        valence=old.valence,
        confidence=round(max(0.05, old.confidence * (1 - doubt)), 3),
        statement=statement,
        citations=citations,
        qualifiers=old.qualifiers,
    )

"""Beliefs drawn from patterns in memories, and their revision (memory.insight; pure)."""

from __future__ import annotations

from itertools import count

from memory import insight
from memory.insight import FACTION, OBJECT, PERSON, PLACE, HeldBelief, MemoryRecord, Subject

OREN = Subject(PERSON, 2, "Oren Vael")
NESSA = Subject(PERSON, 12, "Nessa Brightwell")
PIM = Subject(PERSON, 13, "Pim Alder")
SPECTRA = Subject(PERSON, 1, "Spectra")
GUILD = Subject(FACTION, 3, "The Glasswright Guild")
FEN = Subject(PLACE, 16, "The Drowned Bell Fen")
MARKET = Subject(PLACE, 2, "The Glass Market")
LENS = Subject(OBJECT, 8, "Moodglass Lens")
_ids = count(100)


def memory(**fields) -> MemoryRecord:
    fields.setdefault("importance", 4.0)
    return MemoryRecord(id=next(_ids), **fields)


def only(drafts, subject):
    found = [draft for draft in drafts if draft.subject == subject]
    assert len(found) <= 1
    return found[0] if found else None


def test_good_dealings_with_one_person_become_trust_citing_them():
    dealings = [memory(person=OREN, feeling="calm", tone="joy", place=MARKET) for _ in range(3)]
    other = memory(person=NESSA, feeling="curiosity", tone="curiosity")

    drafts, _ = insight.draw_beliefs([*dealings, other])

    trust = only(drafts, OREN)
    assert trust.stance == "trust" and trust.statement == "I have come to trust Oren Vael."
    assert set(trust.citations) == {m.id for m in dealings}
    assert 0 < trust.confidence < 1 and trust.valence > 0.3
    assert only(drafts, NESSA) is None  # one memory is no pattern


def test_bad_dealings_become_distrust_and_a_troubled_friend_becomes_concern():
    bad = [memory(person=OREN, feeling="unease", tone="intensity") for _ in range(3)]
    # Spectra sad each time, while I stayed calm: she is troubled, not untrustworthy.
    sad = [memory(person=SPECTRA, feeling="calm", tone="melancholy") for _ in range(3)]

    drafts, _ = insight.draw_beliefs([*bad, *sad])

    assert only(drafts, OREN).stance == "distrust"
    concern = only(drafts, SPECTRA)
    assert concern.stance == "concern" and concern.statement == "Spectra has been troubled lately."


def test_a_faction_and_a_subject_met_with_unease_become_suspicion():
    # Three different Guild members, each time about the lens, each time uneasy.
    records = [
        memory(person=who, faction=GUILD, feeling="unease", tone="curiosity", topics=(LENS,))
        for who in (NESSA, PIM, NESSA)
    ]

    drafts, _ = insight.draw_beliefs(records)

    suspicion = only(drafts, GUILD)
    assert suspicion.stance == "suspicion"
    assert suspicion.statement == "The Glasswright Guild is hiding something about Moodglass Lens."
    assert suspicion.qualifiers["topic"] == "Moodglass Lens"
    assert suspicion.qualifiers["member_id"] == NESSA.id  # the member met most, to watch


def test_the_same_faction_without_a_shared_subject_is_no_suspicion():
    records = [memory(person=who, faction=GUILD, feeling="unease") for who in (NESSA, PIM, NESSA)]
    drafts, _ = insight.draw_beliefs(records)
    assert only(drafts, GUILD) is None


def test_unease_at_a_place_by_night_is_fear_of_the_night_and_by_day_plain_fear():
    nights = [memory(place=FEN, feeling="unease", hour=hour) for hour in (23, 1, 2)]
    days = [memory(place=MARKET, feeling="melancholy", hour=hour) for hour in (10, 12, 15)]

    drafts, _ = insight.draw_beliefs([*nights, *days])

    night = only(drafts, FEN)
    assert night.statement == "The Drowned Bell Fen is dangerous at night." and night.qualifiers["when"] == "night"
    day = only(drafts, MARKET)
    assert day.stance == "fear" and day.statement == "The Glass Market is dangerous." and "when" not in day.qualifiers


def test_gossip_needs_several_people():
    from_one = [memory(person=OREN, topics=(LENS,), feeling="curiosity") for _ in range(4)]
    drafts, _ = insight.draw_beliefs(from_one)
    assert all(draft.stance != "interest" for draft in drafts)

    from_three = [memory(person=who, topics=(LENS,)) for who in (OREN, NESSA, PIM)]
    drafts, _ = insight.draw_beliefs(from_three)
    gossip = [draft for draft in drafts if draft.stance == "interest"]
    assert [draft.statement for draft in gossip] == ["Everyone is talking about Moodglass Lens."]


def test_what_must_not_become_a_belief():
    too_few = [memory(person=OREN, feeling="joy", tone="joy") for _ in range(2)]
    mixed = [memory(person=NESSA, feeling=mood, tone=mood) for mood in ("joy", "unease", "joy", "unease")]
    unfelt = [memory(place=FEN) for _ in range(5)]  # no feeling recorded: neither fear nor fondness
    lukewarm = [memory(person=PIM, feeling="curiosity", tone="curiosity") for _ in range(4)]

    drafts, _ = insight.draw_beliefs([*too_few, *mixed, *unfelt, *lukewarm])

    assert drafts == []


def test_the_same_memories_give_the_same_beliefs_in_any_order():
    records = [memory(person=OREN, faction=GUILD, place=FEN, feeling="unease", tone="unease", hour=1) for _ in range(4)]
    forward, _ = insight.draw_beliefs(records)
    backward, _ = insight.draw_beliefs(list(reversed(records)))
    assert forward == backward and len(forward) == 3


def held_trust(citations=(1, 2, 3), confidence=0.6) -> HeldBelief:
    return HeldBelief(
        id=7, subject=OREN, stance="trust", valence=0.5, confidence=confidence,
        statement="I have come to trust Oren Vael.", citations=citations,
    )  # fmt: skip


def test_revision_strengthens_with_new_evidence_and_ignores_old():
    held = {OREN.key: held_trust()}
    again = [memory(person=OREN, feeling="calm", tone="joy") for _ in range(3)]
    drafts, evidence = insight.draw_beliefs(again)

    (revision,) = insight.revise(held, drafts, evidence)
    assert revision.kind == "strengthened" and revision.previous_id == 7
    assert revision.draft.confidence > 0.6 and revision.draft.stance == "trust"

    stale = [insight.BeliefDraft(OREN, "trust", 0.5, 0.7, "I have come to trust Oren Vael.", (1, 2))]
    assert insight.revise(held, stale, {}) == []  # nothing new: nothing changes


def test_revision_overturns_when_the_contrary_is_surer_else_weakens():
    betrayals = [memory(person=OREN, feeling="unease", tone="intensity") for _ in range(6)]
    drafts, evidence = insight.draw_beliefs(betrayals)

    (overturn,) = insight.revise({OREN.key: held_trust(confidence=0.5)}, drafts, evidence)
    assert overturn.kind == "overturned" and overturn.draft.stance == "distrust"

    (weaken,) = insight.revise({OREN.key: held_trust(confidence=0.95)}, drafts, evidence)
    assert weaken.kind == "weakened" and weaken.draft.stance == "trust"
    assert weaken.draft.confidence < 0.95 and weaken.draft.statement.startswith("I am less sure of it now")


def test_contrary_memories_that_form_no_belief_still_weaken_one():
    two_bad = [memory(person=OREN, feeling="unease", tone="unease") for _ in range(2)]
    drafts, evidence = insight.draw_beliefs(two_bad)
    assert drafts == []

    (revision,) = insight.revise({OREN.key: held_trust()}, drafts, evidence)
    assert revision.kind == "weakened" and set(revision.draft.citations) == {m.id for m in two_bad}


def test_knowing_someone_well_deepens_into_trust_and_certainty_stops_adding_rows():
    known = HeldBelief(
        id=3, subject=OREN, stance="familiarity", valence=0.0, confidence=0.8,
        statement="I have come to know Oren Vael well.", citations=(1, 2),
    )  # fmt: skip
    warm = [memory(person=OREN, feeling="calm", tone="joy") for _ in range(3)]
    drafts, evidence = insight.draw_beliefs(warm, held={OREN.key: known})

    (revision,) = insight.revise({OREN.key: known}, drafts, evidence)
    assert revision.kind == "strengthened" and revision.draft.stance == "trust"

    certain = HeldBelief(
        id=4, subject=OREN, stance="trust", valence=0.5, confidence=0.98,
        statement="I have come to trust Oren Vael.", citations=(1, 2),
    )  # fmt: skip
    assert insight.revise({OREN.key: certain}, drafts, evidence) == []


def test_a_lexicon_finds_the_names_a_memory_says_in_its_own_order_but_those_skipped():
    mill, well, lantern, twin_lantern = (
        Subject(PLACE, 1, "the Mill"),
        Subject(PLACE, 2, "Old Well"),
        Subject(OBJECT, 3, "the lantern"),
        Subject(OBJECT, 4, "Lantern"),  # two things of one name: both are named
    )
    lexicon = insight.Lexicon([mill, well, lantern, twin_lantern])

    said = "By the old well I found a LANTERN, then went to the mill."
    assert lexicon.named(said) == (mill, well, lantern, twin_lantern)
    assert lexicon.named(said, skip=[well, lantern]) == (mill, twin_lantern)
    assert lexicon.named("Nothing here but wellness.") == ()

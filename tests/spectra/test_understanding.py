"""Understanding a player's line (pure): the intent, and the entities named by name or alias,
in any case and whatever the punctuation; follow-ups lean on the previous line."""

import pytest

from spectra.knowledge import Kind
from spectra.understanding import Entity, Intent, aliases_of, catalogue_of, entities_named, understand

CATALOGUE = catalogue_of(
    [
        Entity(Kind.PERSON, 1, "Oren Vael"),
        Entity(Kind.PERSON, 2, 'Margery "Mags" Tallow'),
        Entity(Kind.PERSON, 3, "Tamsin Quill"),
        Entity(Kind.PERSON, 4, "Tamsin Reed"),  # shares a first name with Tamsin Quill
        Entity(Kind.PLACE, 10, "The Sunspire"),
        Entity(Kind.PLACE, 11, "The Sky Harbour of Vell"),
        Entity(Kind.PLACE, 12, "Cloudbreak Light"),
        Entity(Kind.PLACE, 13, "The Drowned Bell Fen"),
        Entity(Kind.PLACE, 14, "The Tallow & Tide"),
        Entity(Kind.PLACE, 15, "The Dawnwatch"),
        Entity(Kind.OBJECT, 20, "The Drowned Bell"),
        Entity(Kind.FACTION, 30, "The Glasswright Guild"),
        Entity(Kind.FACTION, 31, "The Verdant Accord"),
        Entity(Kind.LORE, 40, "The Sundering"),
    ]
)


def named(text: str, **kwargs) -> list[tuple[str, int]]:
    return [(entity.kind, entity.id) for entity in entities_named(text, CATALOGUE, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is Oren Vael?", [(Kind.PERSON, 1)]),
        ("where's oren", [(Kind.PERSON, 1)]),  # first name, lower case, no question mark
        ("Have you seen VAEL?!", [(Kind.PERSON, 1)]),  # last name, shouted
        ("Who is Mags?", [(Kind.PERSON, 2)]),  # a quoted nickname
        ("Is the Guild to blame...", [(Kind.FACTION, 30)]),  # a faction's own word
        ("what about the glasswrights", [(Kind.FACTION, 30)]),  # its people
        ("the Accord, then.", [(Kind.FACTION, 31)]),
        ("How far is Vell?", [(Kind.PLACE, 11)]),  # the proper name after "of"
        ("Is Cloudbreak far?", [(Kind.PLACE, 12)]),
        ("the sunspire.", [(Kind.PLACE, 10)]),  # no "The", no capital
        ("Tallow and Tide", [(Kind.PLACE, 14)]),  # "&" said as "and"
        ("The Drowned Bell Fen at night", [(Kind.PLACE, 13)]),  # the longest name wins
        ("and the Drowned Bell itself?", [(Kind.OBJECT, 20)]),
        ("Sunspirean glass", []),  # whole words only
        ("Tamsin Quill and the Sundering", [(Kind.PERSON, 3), (Kind.LORE, 40)]),  # in the order named
        ("Where is Tamsin?", []),  # two Tamsins: the first name alone names neither
        ("Oren, where is the Sunspire?", [(Kind.PERSON, 1), (Kind.PLACE, 10)]),
    ],
)
def test_entities_are_found_by_name_or_alias_in_any_case(text, expected):
    assert named(text) == expected


def test_the_address_is_not_the_subject():
    assert named("Oren, where is the Sunspire?", exclude=["Oren Vael", "Oren"]) == [(Kind.PLACE, 10)]


def test_aliases_leave_out_common_words():
    assert aliases_of(Kind.PLACE, "The Ruins of Aurel") == ("Ruins of Aurel", "Aurel")
    assert "Market" not in aliases_of(Kind.PLACE, "The Glass Market")
    assert aliases_of(Kind.FACTION, "The Drift Clans") == ("Drift Clans", "Clans", "Drift Clan")


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("Hello!", Intent.GREETING),
        ("Good evening, Oren.", Intent.GREETING),
        ("Goodbye for now", Intent.FAREWELL),
        ("Thanks a lot", Intent.THANKS),
        ("Where is the Sunspire?", Intent.WHERE),
        ("How do I get to Vell", Intent.WHERE),
        ("Which way to the Dawnwatch?", Intent.WHERE),
        ("Who is Mags?", Intent.WHO),
        ("Oren, who are you?", Intent.WHO),
        ("What do you think of the Guild?", Intent.OPINION),
        ("How do you feel about the Accord?", Intent.OPINION),
        ("Do you trust Oren?", Intent.OPINION),
        ("Tell me about the Sundering.", Intent.ABOUT),
        ("What was the Sundering?", Intent.ABOUT),
        ("How are you?", Intent.FEELINGS),
        ("Are you alright, Oren?", Intent.FEELINGS),
        ("What should I do next?", Intent.QUEST),
        ("Do you have any work for me?", Intent.QUEST),
        ("What now, Oren?", Intent.QUEST),
        ("Oren, can you take me to the Sunspire?", Intent.REQUEST),
        ("Oren, what are you working on?", Intent.AIM),
        ("What's your plan for today?", Intent.AIM),
        ("What brings you to the Commons?", Intent.AIM),
        ("What do you want with the Sunspire?", Intent.ABOUT),  # about a thing named, not an aim
        ("Nice weather.", Intent.CHAT),
        ("The Sunspire?", Intent.ABOUT),  # a bare name asked: what it is
    ],
)
def test_intents(line, intent):
    assert understand(line, catalogue=CATALOGUE, speaker_names=["Oren Vael", "Oren"]).intent == intent


def test_who_are_you_is_about_the_speaker():
    heard = understand("Oren, who are you?", catalogue=CATALOGUE, speaker_names=["Oren Vael", "Oren"])
    assert heard.asks_about_self and heard.entities == ()


def test_a_greeting_with_a_question_is_the_question_greeted():
    heard = understand("Hello! Where is the Sunspire?", catalogue=CATALOGUE)
    assert heard.intent == Intent.WHERE and heard.greets


def test_a_follow_up_takes_the_intent_or_the_entity_it_lacks():
    where = understand("Where is the Sunspire?", catalogue=CATALOGUE)
    and_then = understand("And what about the Dawnwatch?", catalogue=CATALOGUE, previous=where)
    assert and_then.intent == Intent.WHERE and and_then.entity.id == 15 and and_then.follow_up

    who = understand("Who is Oren Vael?", catalogue=CATALOGUE)
    where_is_he = understand("Where is he now?", catalogue=CATALOGUE, previous=who)
    assert where_is_he.intent == Intent.WHERE and where_is_he.entity.id == 1

    # Without a previous line there is nothing to lean on.
    alone = understand("And what about it?", catalogue=CATALOGUE)
    assert alone.entities == () and not alone.follow_up


def test_asking_the_speaker_who_they_are_by_name_is_asking_about_them():
    """'Who is Halden Roe?' said to Halden: after the address, his own name is the subject."""
    heard = understand("Who is Halden Roe?", speaker_names=["Halden Roe", "Halden", "tam"])
    assert heard.intent == Intent.WHO and heard.asks_about_self
    addressed = understand("Halden, who is the lamplighter?", speaker_names=["Halden Roe", "Halden", "tam"])
    assert not addressed.asks_about_self


def test_a_call_to_someone_else_is_the_address_not_the_subject():
    """Said where only Oren stands (so Oren answers): the line is put to Mags by name."""
    oren = ["Oren Vael", "Oren", "Vael"]
    asked = understand("Mags, who is Oren Vael?", catalogue=CATALOGUE, speaker_names=oren)
    assert asked.intent == Intent.WHO and asked.asks_about_self and asked.entities == ()
    where = understand("Mags, and what about the Dawnwatch?", catalogue=CATALOGUE, speaker_names=oren)
    assert [(e.kind, e.id) for e in where.entities] == [(Kind.PLACE, 15)]
    hello = understand("Hello Mags, where is the Sunspire?", catalogue=CATALOGUE, speaker_names=oren)
    assert [(e.kind, e.id) for e in hello.entities] == [(Kind.PLACE, 10)]
    closing = understand("Where is the Sunspire, Mags?", catalogue=CATALOGUE, speaker_names=oren)
    assert [(e.kind, e.id) for e in closing.entities] == [(Kind.PLACE, 10)]
    # named in the middle of the line, she is the subject
    about = understand("What do you make of Mags?", catalogue=CATALOGUE, speaker_names=oren)
    assert [(e.kind, e.id) for e in about.entities] == [(Kind.PERSON, 2)]
    assert [(e.kind, e.id) for e in understand("Mags?", catalogue=CATALOGUE, speaker_names=oren).entities] == [
        (Kind.PERSON, 2)
    ]


def test_a_greeting_that_calls_someone_still_greets():
    heard = understand("Hello Oren, where is the Sunspire?", catalogue=CATALOGUE, speaker_names=["Oren Vael", "Oren"])
    assert heard.greets and [(e.kind, e.id) for e in heard.entities] == [(Kind.PLACE, 10)]


@pytest.mark.parametrize(
    ("line", "wants_company"),
    [
        ("Who is here?", True),
        ("Hello, who's here?", True),
        ("Oren, who else is around?", True),
        ("Is anyone here?", True),
        ("Anybody else around?", True),
        ("Who is with you?", True),
        ("Who is Oren Vael?", False),
        ("Who are you?", False),
        ("Where is here?", False),
        ("Who is here from the Glasswright Guild?", False),  # about the Guild: a name leads
    ],
)
def test_asking_who_is_here_is_asking_for_company(line, wants_company):
    heard = understand(line, catalogue=CATALOGUE, speaker_names=["Oren Vael", "Oren"])
    assert heard.wants_company is wants_company

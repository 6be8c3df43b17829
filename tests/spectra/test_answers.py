"""The offline composer's rules (`spectra.answers`): it answers from the speaker's knowledge,
never says the player's words back, cuts nothing mid-sentence, uses the conversation so far,
keeps secrets from strangers, varies by listener and request yet replays exactly; and the
knowledge it needs costs a constant number of queries."""

import os
import re
import subprocess
import sys
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from narrative.models import Faction, LoreEntry, Quest
from spectra.answers import REPLY_MAX_CHARS, compose_reply
from spectra.dialogue import DialogueRequest
from spectra.dialogue_selectors import conversation_turns_get, speaker_knowledge_get
from spectra.knowledge import (
    Knowledge,
    LoreFact,
    PathFact,
    PersonFact,
    PlaceFact,
    QuestFact,
    Regard,
    Turn,
    route_between,
)
from spectra.replies import reply_to_player
from spectra.voices import (
    NPC_AGAIN,
    NPC_ALREADY_SAID,
    NPC_DONT_KNOW,
    NPC_INTRODUCTIONS,
    NPC_NO_AIM,
    NPC_NO_COMPANY,
    NPC_NO_ONE,
    NPC_SECRET_KEPT,
)
from spectra.wording import in_own_voice
from tests.factories import CharacterFactory, LocationFactory, PlayerFactory
from world.models import Character, Location, WorldObject
from world.models import Path as MapPath
from world.services import player_action_apply

SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
TOWN = Knowledge(
    speaker_id=7,
    speaker_place_id=1,
    places=(
        PlaceFact(1, "The Commons", "Lanternfall", "A cobbled square beneath the Lantern Tree."),
        PlaceFact(2, "The Gilded Stair", "Luminous Heights", "Four hundred sun-gilded steps."),
        PlaceFact(3, "The Sunspire", "Luminous Heights", "The white tower of the Luminari."),
        PlaceFact(4, "Cloudbreak Light", "Windward Rim", "A lighthouse at the Rim's farthest point."),
    ),
    paths=(PathFact(1, 2, 2), PathFact(2, 3, 2), PathFact(1, 4, 4, two_way=False)),
    people=(
        PersonFact(9, "Tamsin Quill", description="A young astronomer who records each sunrise.", place_id=3),
        PersonFact(
            8, "Varo Kesh", description="Guildmaster of the Glasswrights.", place_id=2, regard=Regard(-0.7, -0.8)
        ),
    ),
    lore=(
        LoreFact(
            30, "The Sundering", "history", body="In 1031 the Prism split. Aurel burned. The river turned. Ash fell."
        ),
        LoreFact(31, "The Gilded Thorn", "secret", body="The Hierarch pays the Thornwake.", person_ids=(7,)),
        LoreFact(32, "The Listening Lanterns", "secret", body="The lamps spy on Spectra.", known=False),
    ),
    quests=(QuestFact(50, "The Dimming Lamps", "The lamps gutter.", giver_id=7, steps=("Climb to the Sunspire.",)),),
)


def a_request(heard: str, **changes) -> DialogueRequest:
    fields = {
        "speaker_id": 7,
        "speaker_name": "Oren Vael",
        "speaker_kind": "npc",
        "persona": "Lamp-warden of the Sunspire, a careful man with soot on his cuffs.",
        "personality": {"extraversion": 0.3},
        "goals": ("Understand why the lamps dim",),
        "mood": "calm",
        "listener_name": "Wren",
        "listener_id": 100,
        "heard": heard,
        "location_name": "The Commons",
        "seed": 11,
        "knowledge": TOWN,
    }
    return DialogueRequest(**{**fields, **changes})


def test_route_between_takes_the_cheapest_way_and_respects_one_way_paths():
    assert route_between(TOWN.paths, 1, 3) == ((2, 3), 4)
    assert route_between(TOWN.paths, 1, 4) == ((4,), 4)
    assert route_between(TOWN.paths, 4, 1) is None  # the one-way path does not lead back


def test_answers_come_from_the_knowledge():
    assert "Gilded Stair" in compose_reply(a_request("Where is the Sunspire?"))
    assert "young astronomer" in compose_reply(a_request("Who is Tamsin?"))
    assert "can't abide Varo Kesh" in compose_reply(a_request("Do you trust Varo?"))
    assert "1031" in compose_reply(a_request("Tell me of the Sundering."))
    assert "the dimming lamps" in compose_reply(a_request("Any work for me?")).lower()
    # Cloudbreak is reached by the one-way path: no way back is promised.
    assert "no road" in compose_reply(a_request("Where is the Commons?", knowledge=_at(TOWN, 4)))


def test_who_is_here_names_those_present_a_crowds_first_few_and_how_many_more():
    liked = PersonFact(10, "Mags Ferren", place_id=1, regard=Regard(0.6, 0.5))
    town = replace(TOWN, people=(*TOWN.people, liked), present=(10, 8), present_count=2)
    reply = compose_reply(a_request("Who is here?", knowledge=town))
    assert "Mags Ferren and Varo Kesh" in reply
    assert "very fond of Mags Ferren" in reply  # the one it likes best; none of Varo, whom it can't abide
    assert "Varo Kesh" not in reply.split("Mags Ferren and Varo Kesh", 1)[1]

    crowd = replace(town, present_count=42)
    assert "Mags Ferren, Varo Kesh and 40 others" in compose_reply(a_request("Who else is around?", knowledge=crowd))
    assert "and 1 other." in compose_reply(a_request("Anyone here?", knowledge=replace(town, present_count=3)))

    alone = compose_reply(a_request("Is anyone here?", knowledge=TOWN))
    assert any(line in alone for line in NPC_NO_COMPANY) and alone.count("Wren") <= 1


def _at(knowledge: Knowledge, place_id: int) -> Knowledge:
    return replace(knowledge, speaker_place_id=place_id)


@pytest.mark.parametrize(
    "heard",
    [
        "What do you know about the marsh dangerous creatures out there?",
        "I wonder if the bring of the harvest will be good this year.",
        "Tell me about the lighthouse keepers and their strange songs",
        "So it's marsh dangerous you're asking after",
        "You ask about bring; folk talk of little else",
    ],
)
def test_the_players_words_are_never_said_back(heard):
    for seed in range(10):
        reply = compose_reply(a_request(heard, seed=seed, memories=("The marsh flooded the year my father died.",)))
        words = [word.strip("?,.!;'").lower() for word in heard.split()]
        for index in range(len(words) - 2):
            run = " ".join(words[index : index + 3])
            assert run not in reply.lower(), (run, reply)


def test_nothing_is_cut_mid_sentence():
    long_memory = "I remember " + "the long grey road under the rain, " * 12 + "and then home."
    long_body = " ".join(f"Sentence {index} of the tale goes on for a while without end." for index in range(20))
    lore = (LoreFact(60, "The Long Tale", "myth", body=long_body),)
    for seed in range(20):
        for heard, knowledge in (("Nice day.", TOWN), ("Tell me the Long Tale.", Knowledge(lore=lore))):
            reply = compose_reply(a_request(heard, seed=seed, memories=(long_memory,), knowledge=knowledge))
            assert len(reply) <= REPLY_MAX_CHARS and "…" not in reply, reply
            assert reply.count('"') % 2 == 0 and reply.rstrip()[-1] in ".!?", reply
            assert "long grey road" not in reply  # a memory too long to say whole is not said
            assert 1 <= len(SENTENCE_END.findall(reply)) <= 3, reply


def test_secrets_are_told_only_by_those_in_on_them_and_only_to_the_trusted():
    unknown = compose_reply(a_request("What are the Listening Lanterns?"))
    assert "spy" not in unknown and any(line in unknown for line in NPC_DONT_KNOW)

    kept = compose_reply(a_request("Tell me about the Gilded Thorn."))
    assert "Hierarch" not in kept and any(line in kept for line in NPC_SECRET_KEPT)

    trusted = replace(TOWN, player_trust=0.8)
    assert "The Hierarch pays the Thornwake" in compose_reply(
        a_request("Tell me about the Gilded Thorn.", knowledge=trusted)
    )


@pytest.mark.parametrize("heard", ["What are you working on?", "Oren, what are you up to?", "What's your plan?"])
def test_asked_what_it_is_doing_a_speaker_tells_its_goal_or_that_it_has_none(heard):
    for seed in range(10):
        busy = compose_reply(a_request(heard, seed=seed))
        assert "understand why the lamps dim" in busy and not any(line in busy for line in NPC_DONT_KNOW), busy
        idle = compose_reply(a_request(heard, seed=seed, goals=()))
        assert any(line in idle for line in NPC_NO_AIM), idle


def test_asked_whom_it_trusts_or_dislikes_a_speaker_names_them_from_its_own_opinions():
    people = (
        PersonFact(9, "Tamsin Quill", place_id=3, regard=Regard(affinity=0.6, trust=0.7)),
        PersonFact(8, "Varo Kesh", place_id=2, regard=Regard(-0.7, -0.8)),
        PersonFact(10, "Nim Sedge", place_id=2, regard=Regard(0.05, 0.0)),
    )
    knowing = replace(TOWN, people=people)
    for seed in range(5):
        trusted = compose_reply(a_request("Who do you trust here?", seed=seed, knowledge=knowing))
        assert "fond of Tamsin Quill, and I trust" in trusted and "Varo" not in trusted, trusted
        friends = compose_reply(a_request("Oren, who are your friends?", seed=seed, knowledge=knowing))
        assert "Tamsin Quill" in friends and "Nim" not in friends, friends
        two = replace(knowing, people=(*people, PersonFact(11, "Pim Alder", regard=Regard(0.7, 0.8))))
        both = compose_reply(a_request("Who do you trust?", seed=seed, knowledge=two))
        assert "I'm very fond of Pim Alder, and I trust them. And Tamsin Quill, too." in both, both
        disliked = compose_reply(a_request("Who do you dislike?", seed=seed, knowledge=knowing))
        assert "can't abide Varo Kesh" in disliked and "Tamsin" not in disliked, disliked
        lonely = compose_reply(a_request("Who do you trust?", seed=seed, knowledge=replace(TOWN, people=people[2:])))
        assert any(line in lonely for line in NPC_NO_ONE) and not any(line in lonely for line in NPC_DONT_KNOW)


def test_the_conversation_so_far_counts():
    hello = compose_reply(a_request("Hello!"))
    assert any(
        intro.format(name="Oren Vael", role="the lamp-warden of the Sunspire") in hello for intro in NPC_INTRODUCTIONS
    )

    history = (Turn(True, "Hello!"), Turn(False, hello))
    again = compose_reply(a_request("Hello again!", history=history))
    assert "Oren Vael" not in again  # no second introduction
    assert any(line.format(listener="Wren") in again for line in NPC_AGAIN)

    # A follow-up leans on the last question.
    first = compose_reply(a_request("Where is the Gilded Stair?"))
    follow = compose_reply(
        a_request(
            "And what about the Sunspire?", history=(Turn(True, "Where is the Gilded Stair?"), Turn(False, first))
        )
    )
    assert "Luminous Heights" in follow and "go by the Gilded Stair" in follow.replace(
        "Take the road by", "go by"
    ).replace("runs by", "go by")

    # Asked how it is again, feeling as it said: "as I said", not the same words anew.
    first = compose_reply(a_request("How are you?", mood="joy"))
    again = compose_reply(
        a_request("How are you, really?", mood="joy", history=(Turn(True, "How are you?"), Turn(False, first)))
    )
    assert any(prefix.strip(", ") in again for prefix in NPC_ALREADY_SAID), (first, again)
    changed = compose_reply(
        a_request("How are you, really?", mood="melancholy", history=(Turn(True, "How are you?"), Turn(False, first)))
    )
    assert not any(prefix.strip(", ") in changed for prefix in NPC_ALREADY_SAID), changed  # it feels otherwise now

    # Asked the same again: "as I said".
    repeat = compose_reply(
        a_request(
            "Where is the Sunspire, again?",
            history=(
                Turn(True, "Where is the Sunspire?"),
                Turn(False, compose_reply(a_request("Where is the Sunspire?"))),
            ),
        )
    )
    assert any(prefix.strip(", ") in repeat for prefix in NPC_ALREADY_SAID), repeat

    # Asked of a tale twice: the rest of it.
    told = compose_reply(a_request("Tell me of the Sundering."))
    more = compose_reply(
        a_request(
            "Tell me more of the Sundering.", history=(Turn(True, "Tell me of the Sundering."), Turn(False, told))
        )
    )
    assert "river turned" in more and "Prism split" not in more


def test_two_players_saying_the_same_in_the_same_tick_get_different_answers():
    different = 0
    lines = ["Where is the Sunspire?", "Who is Tamsin?", "Hello!", "How are you?", "Any work for me?"]
    for index, heard in enumerate(lines * 4):
        one = compose_reply(a_request(heard, seed=index, listener_name="Wren", listener_id=100, request_id="a1"))
        two = compose_reply(a_request(heard, seed=index, listener_name="Ash", listener_id=101, request_id="b7"))
        different += one.replace("Wren", "X") != two.replace("Ash", "X")
    assert different >= 14  # of 20: the words, not just the name


def test_the_same_request_gives_the_same_words_in_any_process():
    request = a_request("Where is the Sunspire?", request_id="r9")
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'htrae.settings'); django.setup();"
        "from tests.spectra.test_answers import a_request; from spectra.answers import compose_reply;"
        "print(compose_reply(a_request('Where is the Sunspire?', request_id='r9')))"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=root, env=env, check=True
        )
        outputs.add(done.stdout.strip().splitlines()[-1])
    assert outputs == {compose_reply(request)}


# --- Through the world ---------------------------------------------------------------------


def test_the_knowledge_costs_the_same_queries_however_big_the_world(seeded_world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    speaker = Character.objects.get(slug="halden-roe")
    player = PlayerFactory(name="Tamar", location=speaker.location)
    with CaptureQueriesContext(connection) as small:
        knowledge = speaker_knowledge_get(
            speaker=speaker, player=player, heard="Where is Oren Vael? Who is Mags?", tick=3
        )
        conversation_turns_get(speaker_id=speaker.id, player_id=player.id, heard="hi")
    assert any(person.name == "Oren Vael" for person in knowledge.people)
    assert len(knowledge.places) == Location.objects.count() and len(knowledge.lore) == LoreEntry.objects.count()

    # Grow the world: places, roads, people, lore, quests.
    places = [LocationFactory(name=f"Hamlet {index}", slug=f"hamlet-{index}") for index in range(30)]
    for here, there in pairwise(places):
        MapPath.objects.create(source=here, target=there)
    faction = Faction.objects.get(slug="luminari")
    for index in range(30):
        CharacterFactory(name=f"Oren Extra{index}", slug=f"oren-extra-{index}", location=places[index], faction=faction)
        LoreEntry.objects.create(title=f"Tale {index}", slug=f"tale-{index}", category="myth", body="Once.")
        Quest.objects.create(title=f"Errand {index}", slug=f"errand-{index}", giver=speaker)

    with django_assert_max_num_queries(len(small.captured_queries)):
        bigger = speaker_knowledge_get(speaker=speaker, player=player, heard="Where is Oren Vael? Who is Mags?", tick=3)
        conversation_turns_get(speaker_id=speaker.id, player_id=player.id, heard="hi")
    assert len(bigger.places) == len(knowledge.places) + 30 and len(small.captured_queries) <= 18


def test_who_is_here_is_answered_with_those_at_the_place_it_knows_best_first(seeded_world):
    halden = Character.objects.get(slug="halden-roe")
    here = halden.location
    Character.objects.exclude(id=halden.id).filter(location=here).update(
        location=Location.objects.exclude(id=here.id).first()
    )
    strangers = [CharacterFactory(name=f"Stranger {n}", location=here) for n in range(5)]
    friend = CharacterFactory(name="Wenna Dell", location=here)
    CharacterFactory(name="Away Ansel", location=Location.objects.exclude(id=here.id).first())
    from relationships.models import Relationship

    Relationship.objects.create(character=halden, other=friend, affinity=0.8, familiarity=0.9, last_contact_tick=5)
    player = PlayerFactory(name="Tamar", location=here)

    knowledge = speaker_knowledge_get(speaker=halden, player=player, heard="Who is here?", tick=5)
    assert knowledge.present == (friend.id, *(stranger.id for stranger in strangers[:3]))
    assert knowledge.present_count == 6  # neither the speaker nor the player nor the one away

    event = reply_to_player(
        speaker_id=halden.id,
        player_id=player.id,
        heard="Who is here?",
        location_id=here.id,
        tick=5,
        in_reply_to_request_id="who-1",
    )
    text = event.payload["text"]
    assert "Wenna Dell, Stranger 0, Stranger 1, Stranger 2 and 2 others" in text and "fond of Wenna Dell" in text
    assert "Away Ansel" not in text and "Tamar," not in text.split(":", 1)[-1]


def test_a_speaker_who_knows_a_crowd_still_knows_whom_the_line_names_and_who_stands_by(seeded_world, monkeypatch):
    from relationships.models import Relationship
    from spectra import dialogue_selectors

    monkeypatch.setattr(dialogue_selectors, "_PEOPLE_LIMIT", 3)
    halden = Character.objects.get(slug="halden-roe")
    elsewhere = Location.objects.exclude(id=halden.location_id).first()
    Character.objects.exclude(id=halden.id).filter(location_id=halden.location_id).update(location=elsewhere)
    # quest givers and holders come first too; not what this is about
    WorldObject.objects.update(holder=None)
    Quest.objects.update(giver=None)
    for n in range(5):  # acquaintances enough to fill the limit, all older than the two below
        acquaintance = CharacterFactory(name=f"Acquaintance {n}", location=elsewhere)
        Relationship.objects.create(character=halden, other=acquaintance, affinity=0.2, last_contact_tick=1)
    CharacterFactory(name="Quenby Marsh", location=elsewhere)
    CharacterFactory(name="Ottilie Fane", location=halden.location)
    player = PlayerFactory(name="Tamar", location=halden.location)

    knowledge = speaker_knowledge_get(speaker=halden, player=player, heard="Where is Quenby?", tick=5)

    known = {person.name for person in knowledge.people}
    assert known == {"Quenby Marsh", "Ottilie Fane", "Spectra"}
    assert not any(name.startswith("Acquaintance") for name in known)  # the limit leaves no room for them
    assert [person.id for person in knowledge.people] == sorted(person.id for person in knowledge.people)


def test_two_players_asking_the_same_in_the_same_tick_are_answered_differently(seeded_world):
    halden = Character.objects.get(slug="halden-roe")
    texts = {}
    for name in ("Tamar", "Ilse"):
        player = PlayerFactory(name=name, slug=name.lower(), location=halden.location)
        answers = []
        for index, heard in enumerate(["Where is the Sunspire?", "Who is Varo Kesh?", "How are you?", "Hello!"]):
            event = reply_to_player(
                speaker_id=halden.id,
                player_id=player.id,
                heard=heard,
                location_id=halden.location_id,
                tick=5,
                in_reply_to_request_id=f"{name}-{index}",
            )
            answers.append(event.payload["text"].replace(name, "X"))
        texts[name] = answers
    assert sum(one != two for one, two in zip(texts["Tamar"], texts["Ilse"], strict=True)) >= 3


def test_a_conversation_through_the_world_remembers(seeded_world, django_capture_on_commit_callbacks):
    spectra = Character.objects.get(slug="spectra")
    player = PlayerFactory(name="Tamar", slug="tamar", location=spectra.location)

    def say(text: str, request_id: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            player_action_apply(character_id=player.id, request_id=request_id, action="speak", data={"text": text})
        return (
            Character.objects.get(pk=spectra.pk)
            .events.filter(type="SPECTRA_TALKED")
            .order_by("-id")
            .first()
            .payload["text"]
        )

    first = say("Hello, Spectra!", "r1")
    second = say("Where is the Sunspire?", "r2")
    third = say("And what about the Dawnwatch?", "r3")
    fourth = say("Hello again!", "r4")

    assert "I am Spectra" in first
    assert "Luminous Heights" in second
    assert "Dawnwatch" in third and "Luminous Heights" in third
    assert "I am Spectra" not in fourth  # she greets, but introduces herself once
    assert conversation_turns_get(speaker_id=spectra.id, player_id=player.id, heard="")[-1].text == fourth


def test_memories_of_the_players_own_words_are_not_said_back_and_quotations_are_whole():
    heard = "I found a strange pebble by the river."
    said = compose_reply(a_request("What's the news?", memories=("Ash said to me: “Mind the ferry.”",)))
    assert "“Mind the ferry.”" in said and "”." not in said, said
    memories = (
        f"I heard Wren say at the Commons: “{heard}”",  # the line itself, as remembered
        "I heard Ash say at the Commons: “Hello. Is the ferry late again today, do you know?”",
        "The ferry was late again this morning.",
    )
    for seed in range(15):
        reply = compose_reply(a_request(heard, seed=seed, memories=memories))
        assert "pebble" not in reply and "Wren say" not in reply, reply
        news = compose_reply(a_request("What's the news?", seed=seed, memories=memories[1:]))
        assert "“Hello. Is the ferry late again today, do you know?”" in news, news  # gossip, whole
        assert "?”." not in news, news  # its own question mark ends it: no full stop after the marks


def test_a_story_is_a_tale_the_speaker_knows_and_not_the_same_one_twice():
    first = compose_reply(a_request("Tell me a story."))
    assert "Prism split" in first
    history = (Turn(True, "Tell me a story."), Turn(False, first))
    lore = (*TOWN.lore, LoreFact(33, "The Lantern Moths", "myth", body="Moths carry dreams to the Sunspire."))
    knowledge = replace(TOWN, lore=lore)
    second = compose_reply(a_request("Another story, please? Tell me a tale.", history=history, knowledge=knowledge))
    assert "Moths carry dreams" in second and "Prism split" not in second, second


def test_a_quest_named_is_told_and_a_held_one_gives_the_next_step():
    offered = compose_reply(a_request("What about the Dimming Lamps quest, can I help?"))
    assert "climb to the Sunspire" in offered.lower() or "the lamps gutter" in offered.lower(), offered
    held = (
        QuestFact(
            50, "The Dimming Lamps", giver_id=7, steps=("Climb.", "Fetch the lantern."), held_step="Fetch the lantern."
        ),
    )
    knowledge = replace(TOWN, quests=held)
    assert "fetch the lantern" in compose_reply(a_request("What should I do next?", knowledge=knowledge))


def test_a_speaker_offers_a_quest_about_itself_as_its_own_errand():
    """An emergent quest is written about its holder; the holder offering it says "I", not
    its own name."""
    own = QuestFact(
        51,
        "Oren Vael: Understand why the lamps dim",
        'Oren Vael has long meant to "Understand why the lamps dim", and it will not happen from afar.',
        giver_id=7,
        steps=("Go to The Sunspire.",),
    )
    me = PersonFact(7, "Oren Vael", description="Lamp-warden of the Sunspire.", place_id=1)
    knowledge = replace(TOWN, quests=(own,), people=(*TOWN.people, me))
    offered = compose_reply(a_request("Is there any work for me? What should I do?", knowledge=knowledge))
    assert "understand why the lamps dim" in offered.lower(), offered
    assert "Oren Vael" not in offered and "I have long meant to" in offered, offered


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Lisel Brack: Teach the children", "Teach the children"),
        ("Lisel Brack has long meant to go", "I have long meant to go"),
        ('To "go", Lisel Brack first has to find Pim and talk.', 'To "go", I first have to find Pim and talk.'),
        ("Lisel Brack goes to see with their own eyes.", "I go to see with my own eyes."),
        ("What Lisel Brack saw cannot wait.", "What I saw cannot wait."),
        ("Lisel Brack is not the only one asking.", "I am not the only one asking."),
        ("Lisel Brack mediates between A and B", "I mediate between A and B"),
        ("Lisel Brack's errand", "my errand"),
        ("Pim and Lisel Brack and more", "Pim and me and more"),
        ("A Lens for Every Mood", "A Lens for Every Mood"),
    ],
)
def test_a_text_about_someone_in_their_own_voice(text, said):
    assert in_own_voice(text, "Lisel Brack") == said


def test_a_changed_copy_of_the_knowledge_looks_up_its_own_facts():
    TOWN.get("place", 1)  # builds the original's lookup
    moved = replace(TOWN, places=(PlaceFact(1, "Elsewhere"),))
    assert moved.place_name(1) == "Elsewhere" and TOWN.place_name(1) == "The Commons"


def test_a_newcomer_is_not_greeted_as_one_met_before_though_the_speaker_talked_there(
    seeded_world, django_capture_on_commit_callbacks
):
    """What an NPC said at a place before the player spoke there was said to others: the
    player's history with it starts at the player's own first line."""
    halden = Character.objects.get(slug="halden-roe")
    first_player = PlayerFactory(name="Tamar", slug="tamar", location=halden.location)
    with django_capture_on_commit_callbacks(execute=True):
        player_action_apply(
            character_id=first_player.id, request_id="t1", action="speak", data={"text": "Hello, Halden!"}
        )
    assert halden.events.filter(type="NPC_TALKED").exists()  # he answered Tamar there

    newcomer = PlayerFactory(name="Ilse", slug="ilse", location=halden.location)
    with django_capture_on_commit_callbacks(execute=True):
        player_action_apply(character_id=newcomer.id, request_id="i1", action="speak", data={"text": "Hello, Halden!"})
    greeting = halden.events.filter(type="NPC_TALKED").order_by("-id").first().payload["text"]
    welcomes_back = [again.split("{listener}")[0].strip() for again in NPC_AGAIN]  # "Back again,", ...
    assert not any(welcome in greeting for welcome in welcomes_back), greeting

    with django_capture_on_commit_callbacks(execute=True):
        player_action_apply(
            character_id=newcomer.id, request_id="i2", action="speak", data={"text": "Halden, hello again!"}
        )
    history = conversation_turns_get(speaker_id=halden.id, player_id=newcomer.id, heard="")
    assert [turn.by_player for turn in history][:2] == [True, False]  # her line, then his answer to her


def test_a_belief_brought_into_a_sentence_keeps_its_names_and_i():
    """'After all I have seen, {belief_lower}': the belief's first word loses its capital
    unless it is a name, a title or 'I' (it read 'i have come to trust' when the replies
    table chose that line)."""
    from spectra.wording import lower_first

    assert lower_first("I have come to trust Nessa Brightwell.") == "I have come to trust Nessa Brightwell."
    assert lower_first("I'm sure of it.") == "I'm sure of it."
    assert lower_first("The Guild hides something.") == "the Guild hides something."
    assert lower_first("Spectra's light is kind.") == "Spectra's light is kind."
    assert lower_first("High Hierarch Celestine knows.") == "High Hierarch Celestine knows."

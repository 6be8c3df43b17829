"""GET /api/conversations: a player's own conversations and those where it stands, with their
lines; the filters, the pages, bad input, and the conversations it must not see."""

import pytest

from htrae.vocabulary import EventType
from narrative.models import Conversation, ConversationMessage
from tests.factories import CharacterFactory, LocationFactory, PlayerFactory, UserFactory
from world.events import publish

URL = "/api/conversations"


@pytest.fixture
def square(db):
    return LocationFactory(name="The Square")


@pytest.fixture
def player(square):
    return PlayerFactory(name="Ada", location=square)


@pytest.fixture
def player_client(api_client, player):
    api_client.force_authenticate(player.user)
    return api_client


def conversation(place, lines, *, participants=None, started_tick=1):
    """A conversation at `place` with `lines` ((speaker, text, tick), ...); its participants
    are the speakers unless given."""
    talk = Conversation.objects.create(location=place, topic=place.name if place else "", started_tick=started_tick)
    ConversationMessage.objects.bulk_create(
        [ConversationMessage(conversation=talk, speaker=speaker, text=text, tick=tick) for speaker, text, tick in lines]
    )
    talk.participants.set(participants if participants is not None else {speaker for speaker, _, _ in lines})
    return talk


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [found["id"] for found in response.json()["results"]]


@pytest.mark.django_db
def test_own_conversations_anywhere_and_all_those_here_nothing_else(player_client, player, square):
    far = LocationFactory(name="Far Shore")
    npc_here, npc_far = CharacterFactory(location=square), CharacterFactory(location=far)
    stranger = PlayerFactory(location=far)
    mine_far = conversation(far, [(player, "Hello, shore.", 2), (npc_far, "Hello, traveller.", 3)])
    overheard_here = conversation(square, [(npc_here, "Lamps burn low.", 4)])
    theirs_far = conversation(far, [(stranger, "A secret, friend.", 5), (npc_far, "Kept.", 6)])
    npcs_far = conversation(far, [(npc_far, "Nobody listens.", 7)])
    nowhere = conversation(None, [(stranger, "Lost words.", 8)])

    seen = ids(player_client.get(URL))

    assert seen == [overheard_here.id, mine_far.id], "newest first"
    assert not {theirs_far.id, npcs_far.id, nowhere.id} & set(seen)


@pytest.mark.django_db
def test_a_conversation_one_was_only_spoken_to_in_is_ones_own(player_client, player, square):
    far = LocationFactory()
    npc = CharacterFactory(location=far)
    talk = conversation(far, [(npc, "You there!", 3)], participants=[npc, player])
    assert ids(player_client.get(URL)) == [talk.id]


@pytest.mark.django_db
def test_what_is_at_the_place_follows_the_player(player_client, player, square):
    elsewhere = LocationFactory()
    npc = CharacterFactory(location=square)
    here = conversation(square, [(npc, "Stay a while.", 1)])
    there = conversation(elsewhere, [(npc, "Elsewhere now.", 2)])
    assert ids(player_client.get(URL)) == [here.id]

    player.location = elsewhere
    player.save(update_fields=["location"])
    assert ids(player_client.get(URL)) == [there.id], "what was heard at the square is not the player's"


@pytest.mark.django_db
def test_each_conversation_carries_its_place_people_and_lines_in_order(player_client, player, square):
    npc = CharacterFactory(name="Oren Vael", location=square)
    talk = conversation(square, [(npc, "First.", 3), (player, "Second.", 3), (npc, "Third.", 5)], started_tick=3)

    [found] = player_client.get(URL).json()["results"]

    assert found["id"] == talk.id and found["topic"] == "The Square" and found["started_tick"] == 3
    assert found["location"] == {"id": square.id, "name": "The Square"}
    assert found["participants"] == sorted(
        [{"id": npc.id, "name": "Oren Vael", "kind": "npc"}, {"id": player.id, "name": "Ada", "kind": "player"}],
        key=lambda person: person["id"],
    )
    assert found["line_count"] == 3
    assert [
        (line["speaker"]["id"], line["speaker"]["name"], line["text"], line["tick"]) for line in found["lines"]
    ] == [
        (npc.id, "Oren Vael", "First.", 3),
        (player.id, "Ada", "Second.", 3),
        (npc.id, "Oren Vael", "Third.", 5),
    ]
    assert [line["id"] for line in found["lines"]] == sorted(line["id"] for line in found["lines"])


@pytest.mark.django_db
def test_lines_are_the_latest_n_oldest_first_with_the_whole_count(player_client, player, square):
    npc = CharacterFactory(location=square)
    conversation(square, [(npc, f"line {n}", n) for n in range(1, 8)])

    [found] = player_client.get(URL, {"lines": 3}).json()["results"]

    assert [line["text"] for line in found["lines"]] == ["line 5", "line 6", "line 7"]
    assert found["line_count"] == 7


@pytest.mark.django_db
def test_a_line_whose_speaker_is_gone_has_no_speaker(player_client, player, square):
    talk = conversation(square, [(player, "Still said.", 1)])
    ConversationMessage.objects.filter(conversation=talk).update(speaker=None)
    [found] = player_client.get(URL).json()["results"]
    assert found["lines"] == [{"id": found["lines"][0]["id"], "speaker": None, "text": "Still said.", "tick": 1}]


@pytest.mark.django_db
def test_with_keeps_the_conversations_a_character_took_part_in(player_client, player, square):
    oren, mira = CharacterFactory(location=square), CharacterFactory(location=square)
    with_oren = conversation(square, [(oren, "Oren speaks.", 1)])
    conversation(square, [(mira, "Mira speaks.", 2)])
    far = LocationFactory()
    conversation(far, [(oren, "Oren, far away.", 3)])  # Oren took part, but the player may not see it

    assert ids(player_client.get(URL, {"with": oren.id})) == [with_oren.id]
    assert ids(player_client.get(URL, {"with": 999_999})) == []


@pytest.mark.django_db
def test_place_keeps_those_held_there_and_never_widens_what_is_seen(player_client, player, square):
    far = LocationFactory()
    npc = CharacterFactory(location=far)
    mine_far = conversation(far, [(player, "I was here once.", 1)])
    conversation(far, [(npc, "Not for the player.", 2)])
    here = conversation(square, [(npc, "Here.", 3)])

    assert ids(player_client.get(URL, {"place": far.id})) == [mine_far.id]
    assert ids(player_client.get(URL, {"place": square.id})) == [here.id]
    assert ids(player_client.get(URL, {"place": far.id, "with": npc.id})) == []
    assert ids(player_client.get(URL, {"place": 123_456})) == []


@pytest.mark.django_db
def test_pages_follow_the_cursor_newest_first_without_repeats(player_client, player, square):
    npc = CharacterFactory(location=square)
    made = [conversation(square, [(npc, f"talk {n}", n)]) for n in range(5)]

    first = player_client.get(URL, {"limit": 2}).json()
    second = player_client.get(first["next"]).json()
    third = player_client.get(second["next"]).json()

    pages = [[found["id"] for found in page["results"]] for page in (first, second, third)]
    assert pages == [[made[4].id, made[3].id], [made[2].id, made[1].id], [made[0].id]]
    assert third["next"] is None and third["next_cursor"] is None
    by_cursor = player_client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [found["id"] for found in by_cursor["results"]] == pages[1]


@pytest.mark.django_db
def test_a_conversation_that_grows_between_pages_is_not_seen_twice(player_client, player, square):
    npc = CharacterFactory(location=square)
    older = conversation(square, [(npc, "old", 1)])
    newer = conversation(square, [(npc, "new", 2)])
    first = player_client.get(URL, {"limit": 1}).json()
    ConversationMessage.objects.create(conversation=older, speaker=npc, text="old, again", tick=9)
    second = player_client.get(first["next"]).json()
    assert [page["results"][0]["id"] for page in (first, second)] == [newer.id, older.id]
    assert second["results"][0]["line_count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"with": "abc"}, "with"),
        ({"with": ""}, "with"),
        ({"with": "0"}, "with"),
        ({"with": "1.0"}, "with"),
        ({"with": str(2**63)}, "with"),
        ({"place": "-1"}, "place"),
        ({"place": "99999999999999999999999"}, "place"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"lines": "0"}, "lines"),
        ({"lines": "201"}, "lines"),
        ({"lines": "ten"}, "lines"),
    ],
)
def test_bad_input_is_a_json_400_naming_the_parameter(player_client, query, field):
    response = player_client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]


@pytest.mark.django_db
def test_a_cursor_the_api_did_not_give_is_a_json_404(player_client):
    response = player_client.get(URL, {"cursor": "not-a-cursor"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_anonymous_is_401_and_an_account_without_a_character_404(api_client):
    anonymous = api_client.get(URL)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    api_client.force_authenticate(UserFactory())
    nobody = api_client.get(URL)
    assert nobody.status_code == 404 and nobody.json()["code"] == "no_character"


@pytest.mark.django_db
def test_speech_published_in_the_world_is_what_the_endpoint_shows(player_client, player, square):
    npc = CharacterFactory(name="Oren Vael", location=square)
    publish(
        EventType.NPC_TALKED,
        {"text": "The lamps burned strange.", "listener_id": player.id},
        tick=4,
        location_id=square.id,
        actor_id=npc.id,
    )
    publish(EventType.PLAYER_SPOKE, {"text": "Strange how?"}, tick=5, location_id=square.id, actor_id=player.id)

    [found] = player_client.get(URL).json()["results"]

    assert [(line["speaker"]["name"], line["text"], line["tick"]) for line in found["lines"]] == [
        ("Oren Vael", "The lamps burned strange.", 4),
        ("Ada", "Strange how?", 5),
    ]
    assert {person["id"] for person in found["participants"]} == {npc.id, player.id}


def _world_of_talk(player, *, conversations: int, lines: int):
    places = [player.location, LocationFactory(), LocationFactory()]
    npcs = [CharacterFactory(location=place) for place in places]
    for number in range(conversations):
        place = places[number % len(places)]
        speaker = npcs[number % len(npcs)]
        talkers = [speaker, player] if number % 2 else [speaker]
        conversation(
            place, [(talkers[n % len(talkers)], f"{number}/{n}", n) for n in range(lines)], participants=talkers
        )


@pytest.mark.django_db
def test_queries_stay_constant_as_conversations_and_lines_grow(player_client, player, django_assert_max_num_queries):
    _world_of_talk(player, conversations=3, lines=2)
    with django_assert_max_num_queries(4):
        small = player_client.get(URL, {"limit": 100, "lines": 200})
    _world_of_talk(player, conversations=60, lines=40)
    with django_assert_max_num_queries(4):
        large = player_client.get(URL, {"limit": 100, "lines": 200})
    assert len(small.json()["results"]) < len(large.json()["results"]) <= 100
    assert max(len(found["lines"]) for found in large.json()["results"]) == 40


@pytest.mark.django_db
def test_the_schema_documents_the_endpoint_and_its_errors(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/conversations"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"with", "place", "limit", "lines", "cursor"}
    codes = {
        status: set(response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"]["enum"])
        for status, response in operation["responses"].items()
        if status != "200"
    }
    assert codes["400"] == {"invalid"} and codes["401"] == {"not_authenticated", "authentication_failed"}
    assert {"not_found", "no_character"} <= codes["404"]

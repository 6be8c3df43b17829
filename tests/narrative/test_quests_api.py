"""GET /api/character/{id}/quests: the holder's quests, their steps and current step, the
status filter, and who may read them."""

import pytest

from narrative.models import QuestAssignment, QuestStep
from tests.factories import FactionFactory, PlayerFactory, QuestFactory, QuestStepFactory, UserFactory

ACTIVE, COMPLETED = QuestAssignment.Status.ACTIVE, QuestAssignment.Status.COMPLETED


@pytest.fixture
def player(db):
    return PlayerFactory()


@pytest.fixture
def player_client(api_client, player):
    api_client.force_authenticate(player.user)
    return api_client


def _quest(character, *, status=ACTIVE, steps=2, current=1, faction=None, title="Errand"):
    quest = QuestFactory(title=title, description="Go and do.", faction=faction)
    made = [
        QuestStepFactory(quest=quest, order=n, objective=f"Step {n}", objective_type=QuestStep.Objective.WAIT)
        for n in range(1, steps + 1)
    ]
    return QuestAssignment.objects.create(
        character=character, quest=quest, status=status, current_step=made[current - 1] if current else None
    )


def url(character) -> str:
    return f"/api/character/{character.id}/quests"


@pytest.mark.django_db
def test_active_quests_by_default_with_steps(player_client, player):
    faction = FactionFactory(slug="luminari", name="The Luminari")
    held = _quest(player, faction=faction, steps=3, current=2, title="Lamps")
    _quest(player, status=COMPLETED, title="Done")
    _quest(PlayerFactory(), title="Someone else's")

    response = player_client.get(url(player))
    assert response.status_code == 200
    [quest] = response.json()["results"]
    assert quest["id"] == held.id
    assert quest["title"] == "Lamps" and quest["description"] == "Go and do."
    assert quest["faction"] == {"slug": "luminari", "name": "The Luminari"}
    assert quest["status"] == "active"
    assert quest["current_step"] == {"order": 2, "objective": "Step 2", "objective_type": "wait"}
    assert [step["order"] for step in quest["steps"]] == [1, 2, 3]


@pytest.mark.django_db
def test_status_filter_and_no_faction(player_client, player):
    _quest(player, title="Now")
    _quest(player, status=COMPLETED, current=None, title="Done")
    body = player_client.get(url(player), {"status": "completed"}).json()["results"]
    assert [(q["title"], q["faction"], q["current_step"]) for q in body] == [("Done", None, None)]
    assert player_client.get(url(player), {"status": "failed"}).json()["results"] == []


@pytest.mark.django_db
def test_bad_status_is_400(player_client, player):
    response = player_client.get(url(player), {"status": "finished"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.django_db
def test_another_character_is_403_and_unknown_is_404(player_client):
    other = PlayerFactory()
    _quest(other)
    forbidden = player_client.get(url(other))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "permission_denied"
    missing = player_client.get("/api/character/999999/quests")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.django_db
def test_staff_read_anyone(api_client, player):
    _quest(player)
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert len(api_client.get(url(player)).json()["results"]) == 1


@pytest.mark.django_db
def test_anonymous_is_refused(api_client, player):
    assert api_client.get(url(player)).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 8])
def test_queries_are_constant(player_client, player, django_assert_max_num_queries, count):
    for n in range(count):
        _quest(player, faction=FactionFactory(), steps=3, title=f"Q{n}")
    with django_assert_max_num_queries(6):
        response = player_client.get(url(player))
    assert len(response.json()["results"]) == count

"""The character's admin form: personality, needs and goals as typed fields with their
ranges; out-of-range values are refused and change nothing; the feeling is read-only."""

import pytest
from django.urls import reverse

from tests.factories import CharacterFactory, LocationFactory
from world.admin_forms import mood_badge, mood_color

pytestmark = pytest.mark.django_db

PERSONALITY = {"openness": 0.8, "conscientiousness": 0.4, "extraversion": 0.3, "agreeableness": 0.6, "neuroticism": 0.2}


@pytest.fixture
def oren(db):
    return CharacterFactory(
        name="Oren Vael",
        location=LocationFactory(is_starting_location=True),
        personality={**PERSONALITY, "whimsy": 0.9},  # a key the form does not know
        needs={"social": 0.4, "rest": 0.2, "curiosity": 0.6},
        goals=["Rekindle the Sun-Prism", "Keep the lamps burning"],
        emotional_state={"mood": "joy", "pleasure": 0.5, "arousal": 0.2, "dominance": 0.1, "intensity": 0.6},
        energy=80,
    )


def form_data(character, **changes):
    data = {
        "name": character.name,
        "slug": character.slug,
        "kind": character.kind,
        "location": character.location_id,
        "is_active": "on",
        "description": character.description,
        "energy": str(character.energy),
        "goals_text": "\n".join(character.goals),
        **{f"personality_{trait}": str(value) for trait, value in PERSONALITY.items()},
        **{f"need_{need}": str(value) for need, value in character.needs.items()},
    }
    for prefix in ("routine", "goal_rows", "beliefs", "relationships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return {**data, **changes}


def save(client, character, **changes):
    return client.post(reverse("admin:world_character_change", args=[character.pk]), form_data(character, **changes))


def test_the_form_shows_number_fields_with_their_ranges_and_the_feeling_read_only(designer_client, oren):
    page = designer_client.get(reverse("admin:world_character_change", args=[oren.pk])).content.decode()

    assert 'name="personality_openness"' in page and 'min="0.0" max="1.0"' in page and 'step="0.01"' in page
    assert 'name="need_social"' in page and 'name="goals_text"' in page
    assert 'name="emotional_state"' not in page and 'name="personality"' not in page  # no raw JSON boxes
    assert f"background:{mood_color(oren.emotional_state)}" in page  # the mood in its colour
    assert "pleasure +0.50" in page


def test_edits_land_in_the_json_and_unknown_keys_are_kept(designer_client, oren):
    response = save(
        designer_client,
        oren,
        personality_openness="0.35",
        need_rest="",
        need_purpose="0.9",
        goals_text="Rest\n\n  Read  ",
    )
    assert response.status_code == 302
    oren.refresh_from_db()
    assert oren.personality == {**PERSONALITY, "openness": 0.35, "whimsy": 0.9}
    assert oren.needs == {"social": 0.4, "curiosity": 0.6, "purpose": 0.9}  # rest left empty: not felt
    assert oren.goals == ["Rest", "Read"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("personality_openness", "1.5"),
        ("personality_neuroticism", "-0.1"),
        ("need_social", "2"),
        ("need_rest", "lots"),
        ("energy", "101"),
        ("goals_text", "\n".join(f"goal {n}" for n in range(11))),
        ("goals_text", "x" * 201),
    ],
)
def test_out_of_range_values_are_refused_and_change_nothing(designer_client, oren, field, value):
    before = (oren.personality, oren.needs, oren.goals, oren.energy, oren.emotional_state)
    response = save(designer_client, oren, **{"personality_agreeableness": "0.1", field: value})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    oren.refresh_from_db()
    assert (oren.personality, oren.needs, oren.goals, oren.energy, oren.emotional_state) == before


def test_the_changelist_shows_each_mood_in_its_colour(designer_client, oren, django_assert_max_num_queries):
    CharacterFactory.create_batch(20, location=oren.location, emotional_state={"mood": "calm", "intensity": 0.1})
    with django_assert_max_num_queries(15):
        page = designer_client.get(reverse("admin:world_character_changelist")).content.decode()
    assert f"background:{mood_color(oren.emotional_state)}" in page


def test_a_feeling_without_a_mood_shows_a_dash():
    assert mood_badge({}) == "—"
    assert mood_color({"mood": "calm", "intensity": "strong"}) is None  # hand-made junk: no colour, no error
    assert mood_color({"mood": "joy", "intensity": 1.0}) != mood_color({"mood": "joy", "intensity": 0.0})

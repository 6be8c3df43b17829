"""Moods differ because temperaments and company differ: the outgoing feel pleasant events more
and the anxious unpleasant ones; Spectra catches the feeling of whoever beside her feels most;
a clash angers the one confronted and frightens those who see it."""

import pytest

from htrae.vocabulary import EMPATHY
from spectra.appraisal import EventView, Perceiver, appraise, role_of
from spectra.emotion import PAD, Impulse, as_felt_by, empathy
from spectra.feelings import feelings_update
from spectra.selectors import rulebook_load
from tests.factories import CharacterFactory, LocationFactory, WorldClockFactory
from world.models import Character

JOY = Impulse("joy", (0.4, 0.2, 0.1), 0.5, "NPC_TALKED")
FEAR = Impulse("fear", (-0.64, 0.6, -0.43), 0.5, "NPC_CONFRONTED")
SURPRISE_ALONE = Impulse("stir", (0.0, 0.5, 0.0), 0.5, "X")


def _pleasure(impulse: Impulse) -> float:
    return impulse.direction[0]


def test_the_outgoing_find_pleasant_events_more_pleasant_and_the_anxious_unpleasant_ones_worse():
    outgoing, withdrawn = {"extraversion": 0.95}, {"extraversion": 0.05}
    anxious, steady = {"neuroticism": 0.95}, {"neuroticism": 0.05}
    assert _pleasure(as_felt_by(JOY, outgoing)) > _pleasure(JOY) > _pleasure(as_felt_by(JOY, withdrawn)) > 0
    assert _pleasure(as_felt_by(FEAR, anxious)) < _pleasure(FEAR) < _pleasure(as_felt_by(FEAR, steady)) < 0
    # Each trait colours only its own side: the anxious are not gladder, the outgoing no more afraid.
    assert as_felt_by(JOY, anxious) == JOY
    assert as_felt_by(FEAR, outgoing) == FEAR
    # Only how pleasant: how stirring and how strong the event is stay the event's.
    felt = as_felt_by(JOY, outgoing)
    assert felt.direction[1:] == JOY.direction[1:] and felt.intensity == JOY.intensity
    # A middling temperament feels what happened as it is; nothing is felt beyond the space.
    assert as_felt_by(JOY, {}) == JOY
    assert _pleasure(as_felt_by(Impulse("glee", (0.9, 0.2, 0.1), 0.9, ""), {"extraversion": 1.0})) == 1.0
    assert as_felt_by(SURPRISE_ALONE, outgoing) == SURPRISE_ALONE  # neither pleasant nor unpleasant


def test_empathy_catches_the_strongest_feeling_present():
    uneasy, glad = PAD(-0.4, 0.4, -0.3), PAD(0.5, 0.3, 0.2)
    caught = empathy([(glad, 0.2, "Pim's joy"), (uneasy, 0.6, "Vess's unease")], gain=0.8)
    assert caught is not None and caught.emotion == EMPATHY
    assert caught.direction == uneasy.as_tuple() and caught.cause == "Vess's unease"
    assert caught.intensity == pytest.approx(0.48)
    assert empathy([], gain=0.8) is None
    assert empathy([(glad, 0.0, "Pim at rest")], gain=0.8) is None
    assert empathy([(glad, 0.6, "Pim's joy")], gain=0.0) is None
    # The same company gives the same feeling, whatever order it is listed in.
    tied = [(glad, 0.5, "a"), (uneasy, 0.5, "b")]
    assert empathy(tied, gain=1.0) == empathy(list(reversed(tied)), gain=1.0)


@pytest.fixture
def place(db):
    WorldClockFactory()
    return LocationFactory()


def _uneasy(**fields):
    return CharacterFactory(
        emotional_state={"mood": "unease", "pleasure": -0.6, "arousal": 0.6, "dominance": -0.4, "intensity": 0.8},
        **fields,
    )


def _state(character) -> dict:
    return Character.objects.get(pk=character.pk).emotional_state


def test_spectra_takes_on_the_feeling_of_one_beside_her_and_not_of_one_elsewhere(place, settings):
    glad = {"mood": "joy", "pleasure": 0.6, "arousal": 0.4, "dominance": 0.2, "tick": 0}
    spectra = CharacterFactory(kind=Character.Kind.SPECTRA, location=place, emotional_state=glad)
    _uneasy(location=LocationFactory())  # elsewhere: she does not feel it
    feelings_update(events=[], tick=1, everyone=True)
    alone = _state(spectra)

    Character.objects.filter(pk=spectra.pk).update(emotional_state=glad)
    neighbour = _uneasy(location=place)
    feelings_update(events=[], tick=1, everyone=True)
    beside = _state(spectra)
    assert beside["pleasure"] < alone["pleasure"] - 0.1
    assert beside["arousal"] > alone["arousal"]

    # A player's action in the same tick (mind work, not the tick's pass) does not add to it.
    feelings_update(events=[], tick=1, always=frozenset({spectra.id, neighbour.id}))
    assert _state(spectra)["pleasure"] == pytest.approx(beside["pleasure"])

    settings.SPECTRA_EMPATHY = 0.0  # a designer turns it off: she feels only what happens to her
    Character.objects.filter(pk=spectra.pk).update(emotional_state=glad)
    feelings_update(events=[], tick=1, everyone=True)
    assert _state(spectra)["pleasure"] == pytest.approx(alone["pleasure"])


def test_an_npc_does_not_catch_its_neighbours_feelings(place):
    """Empathy is Spectra's gift: an NPC beside a frightened one rests as it would alone."""
    calm = {"mood": "calm", "pleasure": 0.3, "arousal": -0.3, "dominance": 0.2, "tick": 0}
    personality = {"extraversion": 0.5, "neuroticism": 0.5}
    alone = CharacterFactory(location=LocationFactory(), emotional_state=calm, personality=personality)
    beside = CharacterFactory(location=place, emotional_state=calm, personality=personality)
    _uneasy(location=place)
    feelings_update(events=[], tick=1, everyone=True)
    assert _state(beside)["pleasure"] == pytest.approx(_state(alone)["pleasure"])


def test_a_clash_angers_the_one_confronted_and_frightens_spectra_who_sees_it(place):
    spectra = CharacterFactory(kind=Character.Kind.SPECTRA, location=place)
    bully, target = CharacterFactory(location=place), CharacterFactory(location=place)
    kind_witness = CharacterFactory(location=place, personality={"agreeableness": 0.95})
    clash = EventView(
        type="NPC_CONFRONTED",
        actor_id=bully.id,
        location_id=place.id,
        payload={"actor_id": bully.id, "target_id": target.id, "target_name": target.name},
    )
    confronted = Perceiver(id=target.id, kind="npc", name=target.name, location_id=place.id)
    assert role_of(clash, confronted) == "addressed"

    book = rulebook_load()
    felt = {
        who.id: {impulse.emotion for impulse in appraise(clash, perceiver, book)}
        for who, perceiver in (
            (target, confronted),
            (spectra, Perceiver(id=spectra.id, kind="spectra", name="Spectra", location_id=place.id)),
            (
                kind_witness,
                Perceiver(
                    id=kind_witness.id,
                    kind="npc",
                    name=kind_witness.name,
                    location_id=place.id,
                    personality={"agreeableness": 0.95},
                ),
            ),
        )
    }
    assert "anger" in felt[target.id]
    assert "fear" in felt[spectra.id]
    assert "reproach" in felt[kind_witness.id]  # the kind deplore a quarrel

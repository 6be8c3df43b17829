"""Emergent quests, pure part: template validation, the three triggers, pacing (cooldown,
max open, one quest per holder) and determinism."""

from narrative.quests.emergence import (
    ChainOpening,
    CharacterFacts,
    FactionFacts,
    SecretFacts,
    TemplateFacts,
    WorldFacts,
    plan_emergent_quests,
    template_problems,
)

MEND = TemplateFacts(
    id=1,
    slug="mend",
    trigger="relation",
    title="Mend ties with {other}",
    description="{holder} of {faction} goes to {other_home}.",
    steps=(
        {"type": "reach_location", "target": "other_home", "objective": "Go to {other_home}."},
        {"type": "talk_to", "target": "other_member", "objective": "Talk with {other_member}."},
    ),
    standing_at_most=-30,
    reward_standing=10,
    failure_standing=-4,
    time_limit_ticks=50,
    cooldown_ticks=100,
    max_active=5,
)
ERRAND = TemplateFacts(
    id=2,
    slug="errand",
    trigger="unmet_goal",
    title="{holder}: {goal}",
    description="",
    steps=({"type": "reach_location", "target": "place", "objective": "Go to {place}."},),
    max_active=5,
)
SECRET = TemplateFacts(
    id=3,
    slug="secret",
    trigger="lore_secret",
    title="The truth at {secret_place}",
    description="About {secret}.",
    steps=(
        {"type": "reach_location", "target": "secret_place", "objective": "Search {secret_place}."},
        {"type": "wait", "ticks": 2, "objective": "Think."},
    ),
    max_active=5,
)


def _world(**overrides) -> WorldFacts:
    facts = {
        "locations": {1: "Sunspire", 2: "Bramble Court", 3: "The Heartroot Grove"},
        "characters": {
            10: CharacterFacts(10, "Oren", 1, faction_id=100),
            11: CharacterFacts(11, "Celestine", 1, faction_id=100),
            20: CharacterFacts(20, "Rhosyn", 2, faction_id=200),
        },
        "factions": {
            100: FactionFacts(100, "luminari", "The Luminari", home_id=1, member_ids=(10, 11)),
            200: FactionFacts(200, "thornwake", "The Thornwake", home_id=2, member_ids=(20,)),
        },
        "standings": {(100, 200): -45, (200, 100): 0},
    }
    return WorldFacts(**{**facts, **overrides})


def test_a_valid_template_has_no_problems():
    for template in (MEND, ERRAND, SECRET):
        assert (
            template_problems(
                trigger=template.trigger,
                title=template.title,
                description=template.description,
                steps=list(template.steps),
            )
            == []
        )


def test_template_problems_name_what_is_wrong():
    problems = template_problems(
        trigger="relation",
        title="Find {place}",
        description="",
        steps=[
            {"type": "reach_location", "target": "other_member", "objective": "Go."},
            {"type": "talk_to", "target": "other_home", "objective": "Talk."},
            {"type": "wait", "objective": "Wait."},
            {"type": "fly", "objective": "Fly."},
            "not a step",
        ],
    )
    text = " ".join(problems)
    assert "The title uses place" in text
    assert "Step 1: 'target' must be one of faction_home, other_home" in text
    assert "Step 2: 'target' must be one of holder, other_member" in text
    assert "Step 3: 'ticks' must be a whole number" in text
    assert "Step 4: type must be one of" in text
    assert "Step 5: a step is an object" in text
    assert template_problems(trigger="relation", title="x", description="", steps=[]) == [
        "Give at least one step, as a list."
    ]
    assert template_problems(trigger="weather", title="x", description="", steps=[]) == ["Unknown trigger 'weather'."]


def test_a_relation_past_its_threshold_starts_a_quest_for_a_member():
    [plan] = plan_emergent_quests(templates=[MEND], world=_world(), tick=40, seed=7, limit=5)
    assert plan.title == "Mend ties with The Thornwake"
    assert plan.origin_key == "mend:luminari:thornwake"
    assert plan.holder_id in (10, 11) and plan.giver_id == plan.holder_id
    assert plan.faction_id == 100
    first, second = plan.steps
    assert (first.objective_type, first.target_location_id, first.objective) == (
        "reach_location",
        2,
        "Go to Bramble Court.",
    )
    assert (second.objective_type, second.target_character_id, second.objective) == ("talk_to", 20, "Talk with Rhosyn.")
    assert plan.rewards == {"standing": {"thornwake": 10}, "failure_standing": {"thornwake": -4}}
    assert plan.deadline_tick == 90


def test_standing_above_the_threshold_starts_nothing():
    world = _world(standings={(100, 200): -29, (200, 100): 0})
    assert plan_emergent_quests(templates=[MEND], world=world, tick=1, seed=7, limit=5) == []


def test_cooldown_max_open_and_busy_holders_hold_quests_back():
    recent = _world(last_started={"mend:luminari:thornwake": 0})
    assert plan_emergent_quests(templates=[MEND], world=recent, tick=99, seed=7, limit=5) == []
    assert len(plan_emergent_quests(templates=[MEND], world=recent, tick=100, seed=7, limit=5)) == 1

    full = TemplateFacts(**{**MEND.__dict__, "active": 5})
    assert plan_emergent_quests(templates=[full], world=_world(), tick=1, seed=7, limit=5) == []

    characters = {cid: CharacterFacts(**{**c.__dict__, "busy": True}) for cid, c in _world().characters.items()}
    assert plan_emergent_quests(templates=[MEND], world=_world(characters=characters), tick=1, seed=7, limit=5) == []


def test_a_goal_naming_a_place_becomes_an_errand_there():
    characters = {
        10: CharacterFacts(10, "Oren", 1, goals=("Cure the blight of the Heartroot Grove", "Sing at dawn")),
        11: CharacterFacts(11, "Celestine", 1, goals=("Rule the Sunspire",)),  # already there
    }
    [plan] = plan_emergent_quests(templates=[ERRAND], world=_world(characters=characters), tick=5, seed=1, limit=5)
    assert plan.title == "Oren: Cure the blight of the Heartroot Grove"
    assert plan.holder_id == 10 and plan.origin_key == "errand:10:0"
    assert plan.steps[0].target_location_id == 3

    done = _world(characters=characters, completed_origins=frozenset({"errand:10:0"}))
    assert plan_emergent_quests(templates=[ERRAND], world=done, tick=5, seed=1, limit=5) == []


def test_a_secret_sends_someone_tied_to_it_who_does_not_know_it():
    secret = SecretFacts(7, "the-gilded-thorn", "The Gilded Thorn", location_ids=(2,), character_ids=(10, 11))
    [plan] = plan_emergent_quests(templates=[SECRET], world=_world(secrets=(secret,)), tick=5, seed=1, limit=5)
    assert plan.title == "The truth at Bramble Court"
    assert plan.rewards == {"discover": ["the-gilded-thorn"]}
    assert plan.steps[1].wait_ticks == 2

    known = SecretFacts(**{**secret.__dict__, "known_by": frozenset({10, 11})})
    assert plan_emergent_quests(templates=[SECRET], world=_world(secrets=(known,)), tick=5, seed=1, limit=5) == []


def test_plans_are_deterministic_and_limited():
    world = _world(
        standings={(100, 200): -45, (200, 100): -50},
        secrets=(SecretFacts(7, "s", "S", location_ids=(3,), character_ids=(20,)),),
    )
    first = plan_emergent_quests(templates=[MEND, SECRET], world=world, tick=9, seed=3, limit=5)
    again = plan_emergent_quests(templates=[SECRET, MEND], world=world, tick=9, seed=3, limit=5)
    assert first == again
    holders = [plan.holder_id for plan in first]
    assert len(holders) == len(set(holders)), "one new quest per holder"
    assert len(plan_emergent_quests(templates=[MEND, SECRET], world=world, tick=9, seed=3, limit=1)) == 1


def test_an_occasion_missing_a_role_the_steps_need_is_skipped():
    lonely = _world(
        factions={
            100: FactionFacts(100, "luminari", "The Luminari", home_id=1, member_ids=(10, 11)),
            200: FactionFacts(200, "thornwake", "The Thornwake", home_id=2, member_ids=()),
        }
    )
    assert plan_emergent_quests(templates=[MEND], world=lonely, tick=1, seed=1, limit=5) == []


def test_no_quest_starts_under_a_title_open_now_nor_twice_in_one_pass():
    taken = _world(open_titles=frozenset({"Mend ties with The Thornwake"}))
    assert plan_emergent_quests(templates=[MEND], world=taken, tick=40, seed=7, limit=5) == []

    twin = TemplateFacts(**{**MEND.__dict__, "id": 2, "slug": "mend-again"})  # same title, another occasion key
    plans = plan_emergent_quests(templates=[MEND, twin], world=_world(), tick=40, seed=7, limit=5)
    assert [plan.title for plan in plans] == ["Mend ties with The Thornwake"]


SEAL = TemplateFacts(
    id=4,
    slug="seal",
    trigger="relation",
    title="{holder} seals the peace with {other}",
    description="",
    steps=({"type": "talk_to", "target": "other_member", "objective": "Ask {other_member}."},),
    max_active=5,
    chained=True,
)


def test_a_chained_template_starts_only_where_a_completed_quest_opened_it_for_its_holder():
    assert plan_emergent_quests(templates=[SEAL], world=_world(), tick=40, seed=7, limit=5) == []

    # Oren of the Luminari mended ties with the Thornwake; the standing has since warmed to 10,
    # outside any band: the chain opens anyway, for Oren, on the same two factions.
    opened = _world(
        standings={(100, 200): 10, (200, 100): 0},
        chain_openings=(ChainOpening(quest_id=77, template_id=4, holder_id=10, origin_key="mend:luminari:thornwake"),),
    )
    [plan] = plan_emergent_quests(templates=[SEAL], world=opened, tick=40, seed=7, limit=5)
    assert (plan.title, plan.holder_id, plan.follows_id, plan.origin_key) == (
        "Oren seals the peace with The Thornwake",
        10,
        77,
        "seal:luminari:thornwake",
    )
    assert plan_emergent_quests(templates=[MEND], world=opened, tick=40, seed=7, limit=5) == []  # not its chain

    busy = {cid: CharacterFacts(**{**c.__dict__, "busy": cid == 10}) for cid, c in opened.characters.items()}
    held = WorldFacts(**{**opened.__dict__, "characters": busy})
    assert plan_emergent_quests(templates=[SEAL], world=held, tick=40, seed=7, limit=5) == []  # Oren is busy


def test_a_chained_secret_quest_goes_to_the_holder_who_now_knows_the_secret():
    confront = TemplateFacts(
        id=5,
        slug="confront",
        trigger="lore_secret",
        title="{holder} asks about {secret}",
        description="",
        steps=({"type": "reach_location", "target": "secret_place", "objective": "Go back to {secret_place}."},),
        chained=True,
    )
    knows = SecretFacts(
        7, "drowned-bell", "The Drowned Bell", location_ids=(3,), character_ids=(10,), known_by=frozenset({10})
    )
    world = _world(secrets=(knows,))
    assert plan_emergent_quests(templates=[SECRET], world=world, tick=3, seed=1, limit=5) == []  # Oren knows it

    opened = _world(secrets=(knows,), chain_openings=(ChainOpening(5, 5, 10, "secret:drowned-bell"),))
    [plan] = plan_emergent_quests(templates=[confront], world=opened, tick=3, seed=1, limit=5)
    assert (plan.title, plan.holder_id, plan.follows_id) == ("Oren asks about The Drowned Bell", 10, 5)

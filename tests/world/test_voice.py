"""The voice as content: designers' grammar rows reach NPCs' talk in the tick (read once a
tick, replayed the same), the admin refuses a broken edit, previews, copies the shipped
grammar in and resets a symbol to its shipped words."""

import pytest
from django.db import transaction
from django.urls import reverse

from world.autonomy.talk_grammar import RULES
from world.models import GameEvent, GrammarSymbol
from world.tick import run_tick
from world.voice import grammar_preview, grammar_rules_get, grammar_shipped_copy, grammar_symbol_reset

pytestmark = pytest.mark.django_db

MOTHS = " The moths are loud tonight."
CHANGELIST = "admin:world_grammarsymbol_changelist"


def talk_lines() -> list[str]:
    return list(GameEvent.objects.filter(type="NPC_TALKED").order_by("id").values_list("payload__text", flat=True))


def test_the_rules_in_force_are_the_shipped_ones_with_designers_rows_over_them(django_assert_num_queries):
    GrammarSymbol.objects.create(symbol="bye", alternatives="So long\nFare thee well")
    GrammarSymbol.objects.create(symbol="moths", alternatives="the moths")
    GrammarSymbol.objects.create(symbol="later", alternatives="after #later#")  # broken in the database anyway
    with django_assert_num_queries(1):
        rules = grammar_rules_get()
    assert rules["bye"] == ("So long", "Fare thee well") and rules["moths"] == ("the moths",)
    assert rules["later"] == RULES["later"] and rules["hello"] == RULES["hello"]


def test_an_npc_speaks_the_designers_words_in_a_tick_and_replay_gives_the_same_lines(seeded_world):
    class Rewind(Exception):
        pass

    GrammarSymbol.objects.create(symbol="tail", alternatives=MOTHS)
    runs = []
    for _ in range(2):
        with pytest.raises(Rewind), transaction.atomic():
            for _ in range(2):
                run_tick(force=True)
            runs.append(talk_lines())
            raise Rewind
    assert runs[0] == runs[1]
    assert any(MOTHS.strip() in line for line in runs[0])


def test_without_rows_the_tick_speaks_the_shipped_words(seeded_world):
    run_tick(force=True)
    lines = talk_lines()
    assert lines and not any("moths" in line for line in lines)


def test_copying_the_shipped_grammar_in_adds_each_missing_symbol_once_in_order():
    GrammarSymbol.objects.create(symbol="bye", alternatives="So long")
    assert grammar_shipped_copy("talk") == len(RULES) - 1
    assert grammar_shipped_copy("talk") == 0
    assert list(GrammarSymbol.objects.values_list("symbol", flat=True))[1:] == [s for s in RULES if s != "bye"]
    assert GrammarSymbol.objects.get(symbol="bye").alternatives == "So long"  # an edit is kept
    assert grammar_rules_get() == {**RULES, "bye": ("So long",)}


def test_reset_puts_a_symbol_back_to_its_shipped_words_and_leaves_an_added_one():
    edited = GrammarSymbol.objects.create(symbol="tail", alternatives=MOTHS)
    added = GrammarSymbol.objects.create(symbol="moths", alternatives="the moths")
    assert grammar_symbol_reset(edited) and not grammar_symbol_reset(added)
    assert grammar_rules_get()["tail"] == RULES["tail"]
    assert GrammarSymbol.objects.get(pk=added.pk).alternatives == "the moths"


def test_a_preview_shows_ten_stable_lines_or_the_error():
    GrammarSymbol.objects.create(symbol="bye", alternatives="So long, #you#")
    shown = grammar_preview(grammar="talk", symbol="farewell_plain")
    assert (
        len(shown.lines) == 10 and not shown.error and shown == grammar_preview(grammar="talk", symbol="farewell_plain")
    )
    GrammarSymbol.objects.create(symbol="ghost", alternatives="#nowhere#")
    broken = grammar_preview(grammar="talk", symbol="ghost")
    assert broken.lines == () and "#nowhere#" in broken.error


# --- the admin ----------------------------------------------------------------------------------


def form(**changes):
    return {"grammar": "talk", "symbol": "bye", "alternatives": "So long, #you#", "note": "", **changes}


def test_a_designer_overrides_a_symbol_and_the_tick_reads_it(designer_client):
    response = designer_client.post(reverse("admin:world_grammarsymbol_add"), form())
    assert response.status_code == 302, response.content
    assert grammar_rules_get()["bye"] == ("So long, #you#",)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"alternatives": "Hail, #stranger_thing#"}, "#stranger_thing# is neither a symbol"),
        ({"alternatives": "\n\n"}, "Give at least one alternative"),
        ({"alternatives": "So long\n\nFarewell"}, "Line 2 is empty"),
        ({"alternatives": "Until #bye#"}, "recurse forever"),
        ({"symbol": "place", "alternatives": "somewhere"}, "filled in by the talk"),
        ({"symbol": "Bye Now"}, "lower-case letters"),
    ],
)
def test_a_broken_edit_is_a_form_error_and_nothing_is_saved(designer_client, changes, message):
    response = designer_client.post(reverse("admin:world_grammarsymbol_add"), form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GrammarSymbol.objects.exists()


def test_a_second_row_for_the_same_symbol_is_a_form_error(designer_client):
    GrammarSymbol.objects.create(symbol="bye", alternatives="So long")
    response = designer_client.post(reverse("admin:world_grammarsymbol_add"), form())
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert GrammarSymbol.objects.count() == 1


def test_renaming_a_symbol_others_use_is_refused(designer_client):
    GrammarSymbol.objects.create(symbol="moths", alternatives="the moths")
    user = GrammarSymbol.objects.create(symbol="bye", alternatives="Mind #moths#")
    moths = GrammarSymbol.objects.get(symbol="moths")
    url = reverse("admin:world_grammarsymbol_change", args=[moths.pk])
    response = designer_client.post(url, form(symbol="moth", alternatives="the moths"))
    assert response.status_code == 200 and "This edit breaks #bye#" in response.content.decode()
    assert GrammarSymbol.objects.get(pk=moths.pk).symbol == "moths" and user.symbol == "bye"


def test_the_change_page_shows_the_shipped_words_and_a_preview_even_of_a_broken_symbol(designer_client):
    row = GrammarSymbol.objects.create(symbol="bye", alternatives="So long, #you#")
    page = designer_client.get(reverse("admin:world_grammarsymbol_change", args=[row.pk])).content.decode()
    assert "Mind how you go" in page and page.count("So long, ") >= 10
    ghost = GrammarSymbol.objects.create(symbol="ghost", alternatives="#nowhere#")  # saved past the form
    response = designer_client.get(reverse("admin:world_grammarsymbol_change", args=[ghost.pk]))
    assert response.status_code == 200 and "cannot be expanded" in response.content.decode()


def test_the_list_copies_the_shipped_grammar_in_and_resets_symbols(designer_client):
    listing = designer_client.get(reverse(CHANGELIST)).content.decode()
    assert "Copy the shipped grammar in" in listing
    assert designer_client.get(reverse("admin:world_grammarsymbol_copy_shipped")).status_code == 405
    designer_client.post(reverse("admin:world_grammarsymbol_copy_shipped"))
    assert GrammarSymbol.objects.filter(grammar="talk").count() == len(RULES)
    assert GrammarSymbol.objects.filter(grammar="thoughts").exists()  # Spectra's grammars too
    GrammarSymbol.objects.exclude(grammar="talk").delete()
    tail = GrammarSymbol.objects.get(symbol="tail")
    tail.alternatives = MOTHS
    tail.save()
    listing = designer_client.get(reverse(CHANGELIST)).content.decode()
    assert listing.count('<td class="field-status">edited</td>') == 1
    assert listing.count('<td class="field-status">as shipped</td>') == min(len(RULES), 100) - 1
    designer_client.post(reverse(CHANGELIST), {"action": "reset_to_shipped", "_selected_action": [tail.pk]})
    assert grammar_rules_get() == dict(RULES)


# --- Spectra's thoughts and idle behaviours, as grammars ---------------------------------------


def test_every_shipped_grammar_is_sound_and_copied_in_whole():
    from world.autonomy.grammar_check import GRAMMAR_BINDINGS, SHIPPED_GRAMMARS, grammar_problems

    assert set(SHIPPED_GRAMMARS) == set(GrammarSymbol.Grammar.values)
    for name, rules in SHIPPED_GRAMMARS.items():
        assert grammar_problems(rules, GRAMMAR_BINDINGS[name]) == {}, name
    assert grammar_shipped_copy() == sum(len(rules) for rules in SHIPPED_GRAMMARS.values())
    assert set(GrammarSymbol.objects.values_list("grammar", flat=True)) == set(GrammarSymbol.Grammar.values)


def test_a_designers_line_becomes_spectras_thought_and_a_new_behaviour_her_expression():
    import random

    from spectra.expression import choose_expression
    from spectra.thoughts import compose_thought
    from world.voice import grammars_rules_get

    GrammarSymbol.objects.create(grammar="thoughts", symbol="about_place", alternatives="#place# hums like a #hum#.")
    GrammarSymbol.objects.create(grammar="thoughts", symbol="hum", alternatives="beehive")
    GrammarSymbol.objects.create(
        grammar="expressions", symbol="joy_dancing", alternatives="Spectra dances across #place#."
    )
    grammars = grammars_rules_get("thoughts", "expressions")
    rng = random.Random(3)
    thought = compose_thought(
        mood="joy", place="the Glass Market", company=[], goal=None, rng=rng, rules=grammars["thoughts"]
    )
    assert thought == {"text": "the Glass Market hums like a beehive.", "about": "place", "mood": "joy"}
    shown = set()
    for tick in range(0, 400, 10):
        expression = choose_expression(
            mood="joy", tick=tick, last_shown={}, rng=rng, rules=grammars["expressions"], place="the Glass Market"
        )
        if expression is not None:
            shown.add((expression.behaviour, expression.text))
    assert ("dancing", "Spectra dances across the Glass Market.") in shown
    assert ("laughing", "Spectra laughs, and the light laughs with her.") in shown  # the shipped ones stay


def test_a_broken_thought_symbol_keeps_its_shipped_words(db):
    from spectra.thoughts import RULES as THOUGHTS
    from world.voice import grammars_rules_get

    GrammarSymbol.objects.create(grammar="thoughts", symbol="about_goal", alternatives="#nobody_binds_this#")
    assert grammars_rules_get("thoughts")["thoughts"]["about_goal"] == THOUGHTS["about_goal"]


def test_every_farewell_reads_as_english():
    """ "Until #later#" once said "Until at the next bell": each way to say goodbye, with each
    thing it may wait for, is a phrase a person would say."""
    import random

    from htrae.grammar import expand

    said = {expand(RULES, "#bye#", random.Random(seed)) for seed in range(400)}
    untils = [line for line in said if line.startswith("Until ")]
    assert len(untils) == len(RULES["until"])  # every one was said
    for line in untils:
        assert line.split()[1] not in {"at", "by", "before", "when", "soon", "in"}, line


def test_no_line_makes_a_faction_agree_in_number():
    """Factions' names may be plural (The Drift Clans): no line puts one before a verb that
    must agree with it ("The Drift Clans needs us now" was said)."""
    import re

    subject = re.compile(r"#(?:my_|their_)?faction(?:\.\w+)?# (\w+)")
    for symbol, alternatives in RULES.items():
        for text in alternatives:
            for verb in subject.findall(text):
                singular = verb in {"is", "was", "has", "does"} or (verb.endswith("s") and not verb.endswith("ss"))
                assert not singular, f"{symbol}: {text}"

"""The live viewer at `/`, in a real Chromium against a real embedded server: register, the
map and Spectra's mood, moving, speech reaching another player (and replies shown under what
they answer), the tick changing the page, and a dropped connection recovering."""

import re

from tests.browser.harness import register_in_page, wait_until

TIMEOUT = 20_000  # ms: a tick is 3 s; two cores are shared


def page_token(page) -> str:
    return page.evaluate("localStorage.getItem('htrae.token')")


def go_where_someone_answers(world, token: str, pages) -> None:
    """Walk the pages (by their exit buttons) to a neighbouring place with an NPC or Spectra,
    unless someone who would answer stands here already."""
    state = world.get("/api/world/state", token)
    if any(c["kind"] in ("npc", "spectra") for c in state["characters"]):
        return
    places = {place["id"]: place for place in world.get("/api/world/map", token)["places"]}
    peopled = [e for e in state["exits"] if any(c["kind"] != "player" for c in places[e["id"]]["characters"])]
    assert peopled, "no one to answer here or next door: the seed world has changed"
    for page in pages:
        walk(page, peopled[0])


def walk(page, exit_: dict) -> None:
    page.click(f"#exits button[data-to='{exit_['id']}']")
    page.wait_for_function(
        "name => document.getElementById('place-name').textContent === name", arg=exit_["name"], timeout=TIMEOUT
    )


def test_registering_shows_the_map_spectras_mood_and_the_place(world, new_page):
    page = new_page()
    page.goto(f"{world.base_url}/")
    assert page.locator("#welcome").is_visible()
    assert not page.locator("#viewer").is_visible()
    assert page.locator("#tick").inner_text().isdigit()  # the landing page's clock, before login

    register_in_page(page, world.base_url, "wren")

    assert page.locator("#viewer").is_visible() and not page.locator("#welcome").is_visible()
    token = page_token(page)
    me = world.get("/api/auth/me", token)
    world_map = world.get("/api/world/map", token)
    # Every place and path is drawn; the player's place is marked, its neighbours reachable.
    page.wait_for_selector("#map g.place", timeout=TIMEOUT)
    assert page.locator("#map g.place").count() == len(world_map["places"])
    assert page.locator("#map line.path").count() == len(world_map["paths"])
    here = page.locator("#map g.place.here")
    assert here.get_attribute("data-place-id") == str(me["location"]["id"])
    assert page.locator(f"#map circle.who.you[data-character-id='{me['id']}']").count() == 1
    # Spectra is on the map where the API says she is, in her mood ring's colour.
    spectra = world.get("/api/spectra/status", token)
    wait_until(
        lambda: (
            page.locator(f"#map g.place[data-place-id='{spectra['location']['id']}'] circle.who.spectra").count()
            or spectra.update(world.get("/api/spectra/status", token))
        ),
        timeout=10,
        what="Spectra on the map",
    )
    # Her panel shows the mood the API gives (polled: a tick may change it meanwhile).
    wait_until(
        lambda: (
            page.locator("#spectra-mood").get_attribute("data-mood")
            == world.get("/api/spectra/status", token)["emotional_state"]["mood"]
        ),
        timeout=10,
        what="the page's mood to match the API's",
    )
    ring = page.locator("#mood-ring").get_attribute("data-hex")
    assert re.fullmatch(r"#[0-9a-f]{6}", ring)
    assert page.locator("#mood-plot").get_attribute("data-samples") not in (None, "0")
    # The place panel is the player's surroundings, with its exits as buttons.
    state = world.get("/api/world/state", token)
    assert page.locator("#place-name").inner_text() == state["location"]["name"]
    assert page.locator("#env-color").inner_text() == state["location"]["environment"]["color"]
    assert page.locator("#exits button.exit").count() == len(state["exits"])


def test_an_exit_button_moves_the_player_and_the_map_follows(world, new_page):
    page = new_page()
    register_in_page(page, world.base_url, "lark")
    token = page_token(page)
    exit_ = world.get("/api/world/state", token)["exits"][0]

    walk(page, exit_)

    assert world.get("/api/world/state", token)["location"]["id"] == exit_["id"]
    page.wait_for_selector(f"#map g.place.here[data-place-id='{exit_['id']}']", timeout=TIMEOUT)


def test_words_said_reach_a_second_player_and_replies_show_under_them(world, new_page):
    speaker, listener = new_page(), new_page()
    register_in_page(speaker, world.base_url, "finch")
    register_in_page(listener, world.base_url, "heron")

    speaker.fill("#chat-input", "Fair winds over Lanternfall")
    speaker.click("#chat-form button")

    line = listener.locator("#chat li.line", has_text="Fair winds over Lanternfall")
    line.wait_for(timeout=TIMEOUT)
    assert line.locator(".speaker").first.inner_text() == "finch"

    # Name someone here: their answer (a chat_message with in_reply_to_event_id) is drawn
    # under the line it answers, in both players' pages.
    token = page_token(speaker)
    go_where_someone_answers(world, token, [speaker, listener])
    npcs = [c for c in world.get("/api/world/state", token)["characters"] if c["kind"] == "npc"]
    addressee = npcs[0]["name"] if npcs else "Spectra"
    speaker.fill("#chat-input", f"{addressee}, what news?")
    speaker.click("#chat-form button")
    question = speaker.locator("#chat > li.line", has_text="what news?")
    question.wait_for(timeout=TIMEOUT)
    reply = question.locator(":scope > .replies > li.line")
    reply.first.wait_for(timeout=TIMEOUT)
    assert reply.first.locator(".speaker").first.inner_text() != "finch"
    listener.locator("#chat > li.line", has_text="what news?").locator(":scope > .replies > li.line").first.wait_for(
        timeout=TIMEOUT
    )


def test_a_tick_changes_the_page(world, new_page):
    page = new_page()
    register_in_page(page, world.base_url, "pim")
    tick = int(page.locator("#tick").inner_text())
    clock = page.locator("#world-time").inner_text()

    page.wait_for_function("t => Number(document.getElementById('tick').textContent) > t", arg=tick, timeout=TIMEOUT)

    new_tick = int(page.locator("#tick").inner_text())
    page.wait_for_function(
        "text => document.getElementById('world-time').textContent !== text", arg=clock, timeout=TIMEOUT
    )
    page.wait_for_function(
        "t => Number(document.getElementById('map').dataset.tick) >= t", arg=new_tick, timeout=TIMEOUT
    )
    assert world.get("/api/world/time", page_token(page))["tick"] >= new_tick


def test_a_dropped_connection_recovers_and_catches_up(world, new_page, proxy):
    # The network drop makes Chromium log failed connections: expected here, and only here.
    new_page.tolerated += ["WebSocket connection to", "net::ERR_", "Failed to load resource"]
    away, staying = new_page(), new_page()
    register_in_page(away, proxy.base_url, "wanderer-away")
    register_in_page(staying, world.base_url, "wanderer-stays")

    proxy.cut()
    away.wait_for_selector("#connection[data-status=reconnecting]", timeout=TIMEOUT)
    staying.fill("#chat-input", "Said while you were away")
    staying.click("#chat-form button")
    staying.locator("#chat li.line", has_text="Said while you were away").wait_for(timeout=TIMEOUT)
    assert away.locator("#chat li.line", has_text="Said while you were away").count() == 0

    proxy.restore()

    away.wait_for_selector("#connection[data-status=open]", timeout=TIMEOUT)
    # The missed line arrives through GET /api/events?after=, in the chat and the feed.
    away.locator("#chat li.line", has_text="Said while you were away").wait_for(timeout=TIMEOUT)
    away.locator("#feed li.connection", has_text="caught up").wait_for(timeout=TIMEOUT)
    # And the page is live again: new words arrive over the new connection.
    staying.fill("#chat-input", "Welcome back")
    staying.click("#chat-form button")
    away.locator("#chat li.line", has_text="Welcome back").wait_for(timeout=TIMEOUT)

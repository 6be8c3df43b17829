"""The live viewer at `/`, in a real Chromium against a real embedded server: register, the
map and Spectra's mood, moving, speech reaching another player (and replies shown under what
they answer), the tick changing the page, and a dropped connection recovering."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

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
    # The Mood Ring is drawn in her live colour.
    wait_until(
        lambda: (
            page.locator("#mood-ring").get_attribute("data-hex")
            == world.get("/api/spectra/status", token)["emotional_state"]["color"]["hex"]
        ),
        timeout=10,
        what="the ring's colour to match the API's",
    )
    ring_style = page.locator("#mood-ring").get_attribute("style")
    assert re.search(r"--ring: ?#[0-9a-f]{6}", ring_style), ring_style
    assert page.locator("#mood-plot").get_attribute("data-samples") not in (None, "0")
    # The place panel is the player's surroundings, with its exits as buttons. Its colour
    # follows Spectra's mood tick by tick, so it is polled like hers: a tick may land between
    # the API's answer and the page's world_update.
    state = world.get("/api/world/state", token)
    assert page.locator("#place-name").inner_text() == state["location"]["name"]
    wait_until(
        lambda: (
            page.locator("#env-color").inner_text()
            == world.get("/api/world/state", token)["location"]["environment"]["color"]
        ),
        timeout=10,
        what="the place's colour to match the API's",
    )
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


def route(world_map: dict, start: int, goal: int) -> list[int]:
    """The places to walk through from `start` to `goal` (breadth-first over the paths)."""
    neighbours: dict[int, list[int]] = {}
    for path in world_map["paths"]:
        neighbours.setdefault(path["source"], []).append(path["target"])
        if path["two_way"]:
            neighbours.setdefault(path["target"], []).append(path["source"])
    came_from, frontier = {start: None}, [start]
    while frontier:
        place = frontier.pop(0)
        for nxt in sorted(neighbours.get(place, [])):
            if nxt not in came_from:
                came_from[nxt] = place
                frontier.append(nxt)
    steps, place = [], goal
    while place != start:
        steps.append(place)
        place = came_from[place]
    return steps[::-1]


def test_a_quest_is_accepted_at_its_givers_side_and_abandoned(world, new_page):
    page = new_page()
    register_in_page(page, world.base_url, "tern")
    token = page_token(page)
    character_id = world.get("/api/auth/me", token)["id"]

    # Walk to a quest giver (by exit buttons) and accept there; givers wander, so try again.
    for _attempt in range(4):
        offered = world.get(f"/api/character/{character_id}/quests?status=available", token)["results"]
        world_map, start = world.get("/api/world/map", token), here(world, token)
        names = {place["id"]: place["name"] for place in world_map["places"]}
        routes = {
            q["quest"]: route(world_map, start, q["giver"]["location"]["id"])
            for q in offered
            if q["giver"] and q["giver"]["location"]
        }
        quest = min((q for q in offered if q["quest"] in routes), key=lambda q: len(routes[q["quest"]]))
        for place_id in routes[quest["quest"]]:
            walk(page, {"id": place_id, "name": names[place_id]})
        page.click(f"#quests-available article[data-quest='{quest['quest']}'] button.accept")
        held = page.locator(f"#quests-active article[data-quest='{quest['quest']}']")
        try:
            held.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:  # the giver moved on meanwhile: the page says so; follow them
            assert page.locator("#action-error").inner_text()
    else:
        raise AssertionError("could not catch up with a quest giver")

    # Its steps are listed, the first one current; the API agrees.
    assert held.locator("ol.steps li").count() == len(quest["steps"])
    assert held.locator("ol.steps li.current").inner_text() == quest["steps"][0]["objective"]
    active = world.get(f"/api/character/{character_id}/quests", token)["results"]
    assert [q["quest"] for q in active] == [quest["quest"]]

    held.locator("button.abandon").click()
    page.locator(f"#quests-available article[data-quest='{quest['quest']}']").wait_for(timeout=TIMEOUT)
    assert page.locator("#quests-active article").count() == 0
    assert world.get(f"/api/character/{character_id}/quests", token)["results"] == []


def here(world, token: str) -> int:
    return world.get("/api/world/state", token)["location"]["id"]


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
    # An action sent while offline waits, goes out once the connection is back, and is
    # applied once: one line (one event id) in the other player's chat.
    proxy.cut()
    away.wait_for_selector("#connection[data-status=reconnecting]", timeout=TIMEOUT)
    away.fill("#chat-input", "Sent while offline")
    away.click("#chat-form button")
    proxy.restore()
    staying.locator("#chat li.line", has_text="Sent while offline").wait_for(timeout=TIMEOUT)
    away.locator("#chat li.line", has_text="Sent while offline").wait_for(timeout=TIMEOUT)
    staying.wait_for_timeout(1000)
    assert staying.locator("#chat li.line", has_text="Sent while offline").count() == 1
    # And the page is live again: new words arrive over the new connection.
    staying.fill("#chat-input", "Welcome back")
    staying.click("#chat-form button")
    away.locator("#chat li.line", has_text="Welcome back").wait_for(timeout=TIMEOUT)


def test_the_client_module_backs_off_exponentially_with_jitter(world, new_page):
    page = new_page()
    page.goto(f"{world.base_url}/")
    delays = page.evaluate(
        """async () => {
            const { backoffDelay } = await import("/static/world/client.js");
            const attempts = [1, 2, 3, 4, 5, 6, 7];
            return {
                most: attempts.map((n) => backoffDelay(n, {}, () => 1)),
                least: attempts.map((n) => backoffDelay(n, {}, () => 0)),
                custom: attempts.map((n) => backoffDelay(n, { initial: 100, max: 1000, jitter: 0 })),
            };
        }"""
    )
    assert delays["most"] == [500, 1000, 2000, 4000, 8000, 15000, 15000]
    assert delays["least"] == [350, 700, 1400, 2800, 5600, 10500, 10500]  # up to 30% off
    assert delays["custom"] == [100, 200, 400, 800, 1000, 1000, 1000]


def test_a_revoked_login_sends_the_page_back_to_the_login_form(world, new_page, proxy):
    new_page.tolerated += ["WebSocket connection to", "net::ERR_", "Failed to load resource"]
    page = new_page()
    register_in_page(page, proxy.base_url, "plover")

    # An operator revokes the token; the open socket was authorised at its handshake, so
    # only the next connection is refused (403), which a browser cannot tell from a fault.
    world.manage(
        "shell",
        "-c",
        "from rest_framework.authtoken.models import Token; Token.objects.filter(user__username='plover').delete()",
    )
    proxy.cut()
    proxy.restore()

    page.wait_for_selector("#welcome:not([hidden])", timeout=TIMEOUT)
    assert "log in again" in page.locator("#login-error").inner_text()
    assert page.evaluate("localStorage.getItem('htrae.token')") is None


def test_places_without_coordinates_are_laid_out_in_a_circle(world, new_page):
    page = new_page()
    page.goto(f"{world.base_url}/")
    layout = page.evaluate(
        """async () => {
            const { layoutPlaces } = await import("/static/world/render.js");
            const place = (id, x, y) => ({ id, map: { x, y } });
            const spread = layoutPlaces([place(1, 0, 0), place(2, 100, 50), place(3, 50, 100)]);
            const none = layoutPlaces([place(1, 0, 0), place(2, 0, 0), place(3, 0, 0), place(4, 0, 0)]);
            return { spread: [...spread.values()], none: [...none.values()] };
        }"""
    )
    # Designers' coordinates keep their shape, north up, inside the 100 x 100 view.
    assert layout["spread"] == [{"x": 8, "y": 92}, {"x": 92, "y": 50}, {"x": 50, "y": 8}]
    # Without coordinates every place still gets a spot of its own, on a circle.
    spots = {(round(p["x"], 3), round(p["y"], 3)) for p in layout["none"]}
    assert len(spots) == 4
    assert all(abs(((x - 50) ** 2 + (y - 50) ** 2) ** 0.5 - 40) < 1e-6 for x, y in spots)

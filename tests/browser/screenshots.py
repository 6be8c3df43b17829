"""Screenshots of the live viewer for docs/screenshots/ (shown in the README):

    .venv/bin/python -m tests.browser.screenshots [folder]      # default docs/screenshots

Starts a fresh seeded embedded world and Debian's Chromium (tests/browser/harness.py), plays
a little (two players, a few ticks, a word to someone who answers, a dropped connection) and
saves: welcome.png, viewer.png, chat.png, reconnecting.png. Set BROWSER_TEST_PORT to choose
the ports (it and the next one).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.browser.harness import CuttableProxy, chromium, live_world, register_in_page, wait_until, wanted_ports

TIMEOUT = 30_000
SIZE = {"width": 1440, "height": 1000}


def walk_to_someone(page, world, token: str) -> str:
    """Walk to a neighbouring place where an NPC stands (unless one is here); their name."""
    for _ in range(3):
        state = world.get("/api/world/state", token)
        npcs = [c for c in state["characters"] if c["kind"] == "npc"]
        if npcs:
            return npcs[0]["name"]
        places = {p["id"]: p for p in world.get("/api/world/map", token)["places"]}
        exits = sorted(state["exits"], key=lambda e: -sum(c["kind"] == "npc" for c in places[e["id"]]["characters"]))
        page.click(f"#exits button[data-to='{exits[0]['id']}']")
        page.wait_for_function(
            "name => document.getElementById('place-name').textContent === name", arg=exits[0]["name"], timeout=TIMEOUT
        )
    raise RuntimeError("found no one to talk to")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    server_port, proxy_port = wanted_ports()
    origins = [f"http://127.0.0.1:{proxy_port}"]
    with (
        tempfile.TemporaryDirectory() as scratch,
        chromium() as browser,
        live_world(Path(scratch), port=server_port, extra_origins=origins) as world,
    ):
        proxy = CuttableProxy(port=proxy_port, target_port=world.port)
        proxy.start()
        try:
            page = browser.new_context(viewport=SIZE).new_page()
            page.goto(f"{proxy.base_url}/")
            page.screenshot(path=folder / "welcome.png")

            register_in_page(page, proxy.base_url, "wren")
            other = browser.new_context(viewport=SIZE).new_page()
            register_in_page(other, world.base_url, "lark")
            other.fill("#chat-input", "Evening, wren. The lanterns are restless tonight.")
            other.click("#chat-form button")
            token = page.evaluate("localStorage.getItem('htrae.token')")
            name = walk_to_someone(page, world, token)
            page.fill("#chat-input", f"{name}, what is the news from the Sunspire?")
            page.click("#chat-form button")
            page.locator("#chat > li.line .replies > li.line").first.wait_for(timeout=TIMEOUT)
            # A few ticks, so the mood plot has a line and the feed has news.
            start = int(page.locator("#tick").inner_text())
            wait_until(lambda: int(page.locator("#tick").inner_text()) >= start + 3, timeout=60, what="ticks")
            page.wait_for_timeout(1500)
            page.screenshot(path=folder / "viewer.png", full_page=True)
            page.locator(".chat-panel").screenshot(path=folder / "chat.png")

            proxy.cut()
            page.wait_for_selector("#connection[data-status=reconnecting]", timeout=TIMEOUT)
            page.wait_for_timeout(800)
            page.locator(".topbar").screenshot(path=folder / "reconnecting.png")
            proxy.restore()
            page.wait_for_selector("#connection[data-status=open]", timeout=TIMEOUT)
        finally:
            proxy.stop()
    print(f"saved welcome.png, viewer.png, chat.png, reconnecting.png in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs" / "screenshots")

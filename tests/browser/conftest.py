"""Browser tests: the live viewer at `/` in a real headless Chromium against a real embedded
server (tests/browser/harness.py). Marked `browser`; `make test-browser` runs them (and
`.ci/run`, after installing Debian's chromium). One seeded world serves the whole session;
each test opens fresh browser contexts (separate storage: separate players)."""

import pytest

from tests.browser.harness import CuttableProxy, chromium, live_world, wanted_ports


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def ports():
    return wanted_ports()


@pytest.fixture(scope="session")
def world(tmp_path_factory, ports):
    server_port, proxy_port = ports
    with live_world(
        tmp_path_factory.mktemp("browser-world"), port=server_port, extra_origins=[f"http://127.0.0.1:{proxy_port}"]
    ) as served:
        yield served


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def new_page(browser):
    """Pages in contexts of their own (a player each); every console error fails the test."""
    contexts, errors = [], []

    def open_page():
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda message: message.type == "error" and errors.append(f"console: {message.text}"))
        return page

    open_page.tolerated = []  # substrings of errors a test expects (a dropped network's)
    yield open_page
    for context in contexts:
        context.close()
    unexpected = [error for error in errors if not any(part in error for part in open_page.tolerated)]
    assert not unexpected, unexpected


@pytest.fixture
def proxy(world, ports):
    """A way to the server that the test may cut (the page's network), and restore."""
    cuttable = CuttableProxy(port=ports[1], target_port=world.port)
    cuttable.start()
    try:
        yield cuttable
    finally:
        cuttable.stop()

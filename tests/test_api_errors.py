"""Every error under /api/ has the JSON shape `{"code", "message", "errors"}`, DEBUG on or off."""

import pytest

from tests.factories import PlayerFactory, UserFactory

pytestmark = pytest.mark.django_db

debug_on_and_off = pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])


@debug_on_and_off
@pytest.mark.parametrize("path", ["/api/nowhere", "/api/world/state/", "/api/character/abc/quests"])
def test_an_unknown_api_address_is_a_json_404(client, settings, debug, path):
    settings.DEBUG = debug

    response = client.get(path, HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Nothing is at this address."}


@debug_on_and_off
def test_outside_the_api_a_404_stays_a_page(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/nowhere")

    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@debug_on_and_off
def test_a_missing_trailing_slash_is_still_redirected(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/schema")

    assert response.status_code == 301 and response["Location"] == "/api/schema/"


@debug_on_and_off
def test_a_views_own_404_keeps_its_code(api_client, settings, debug):
    settings.DEBUG = debug
    api_client.force_authenticate(UserFactory())

    response = api_client.get("/api/auth/me")

    assert response.status_code == 404 and response.json()["code"] == "no_character"


FORM_BODIES = [
    ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--xyz--\r\n'),
    ("multipart/form-data", b"not multipart at all"),  # no boundary: unparseable as a form
    ("application/x-www-form-urlencoded", b"username=wren&password=%zz"),
]


@debug_on_and_off
@pytest.mark.parametrize(("content_type", "body"), FORM_BODIES, ids=["multipart", "broken-multipart", "form"])
@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/token", "/api/memory"])
def test_a_form_body_to_a_json_endpoint_is_a_json_415(api_client, settings, debug, content_type, body, path):
    settings.DEBUG = debug
    api_client.force_authenticate(PlayerFactory().user)

    response = api_client.generic("POST", path, body, content_type=content_type)

    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "unsupported_media_type"

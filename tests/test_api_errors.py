"""Every error under /api/ has the JSON shape `{"code", "message", "errors"}`, DEBUG on or off,
and the OpenAPI schema lists each status and code an endpoint answers."""

import json

import pytest

from htrae.schema import CODE_MEANINGS, DEFAULT_CODES, error_responses
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


@pytest.mark.parametrize("path", ["/api/lore?category=", "/api/spectra/history?since=", "/api/lore?limit=2.0"])
def test_an_empty_or_loose_query_value_is_refused_naming_it(api_client, path):
    api_client.force_authenticate(PlayerFactory().user)

    response = api_client.get(path)

    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == {path.split("?")[1].split("=")[0]}


# --- The schema ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _codes(response) -> list[str]:
    return response["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"]["enum"]


def test_every_error_response_is_the_error_shape_with_its_codes(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message"}
    for name, operation in _operations(schema):
        errors = {status: body for status, body in operation["responses"].items() if status >= "400"}
        assert "406" in errors, name  # DRF negotiates content on every endpoint
        for status, body in errors.items():
            assert body["content"]["application/json"]["schema"]["allOf"][0] == {"$ref": "#/components/schemas/Error"}
            assert _codes(body), (name, status)


def test_the_schema_lists_each_endpoints_statuses(schema):
    operations = dict(_operations(schema))
    for name, operation in operations.items():
        statuses = set(operation["responses"])
        assert "unavailable" in _codes(operation["responses"]["503"]), name  # any endpoint, in an outage
        if name == "GET /api/health":
            continue  # open to load balancers: no authentication
        if name.startswith("POST /api/auth/"):
            assert {"400", "415", "429"} <= statuses, name
            assert "401" not in statuses, name  # no authentication on the way in
        else:
            assert "401" in statuses, name
            assert set(_codes(operation["responses"]["401"])) == {"not_authenticated", "authentication_failed"}
    register = operations["POST /api/auth/register"]["responses"]
    assert _codes(register["409"]) == ["username_taken"]
    assert _codes(register["503"]) == ["unavailable", "world_not_ready"]
    assert "invalid_credentials" in _codes(operations["POST /api/auth/token"]["responses"]["400"])
    assert "no_character" in _codes(operations["GET /api/world/state"]["responses"]["404"])
    assert "unknown_character" in _codes(operations["POST /api/memory"]["responses"]["404"])
    assert "403" in operations["GET /api/character/{character_id}/quests"]["responses"]


def test_error_responses_refuse_codes_for_a_status_not_listed():
    with pytest.raises(ValueError, match="409"):
        error_responses(400, codes={409: ["username_taken"]})
    with pytest.raises(ValueError, match="409"):
        error_responses(409)  # a conflict has no default code: the endpoint must say which


def test_every_default_code_is_explained():
    assert {code for codes in DEFAULT_CODES.values() for code in codes} <= set(CODE_MEANINGS)

"""The API keeps its OpenAPI contract: schemathesis against the live schema of a served world.

A real served-mode web process (tests/served/harness.py) serves `/api/schema/`; schemathesis
reads it and sends every operation generated requests, valid and invalid, as a registered
player. The run must find no server error, no response outside the schema (status code,
content type, body), no error code the schema does not list, no valid request refused and no
invalid one accepted. The run is seeded and deterministic, so a failure reproduces.
"""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from tests.served.harness import ServedWorld

SEED = 20_260_101
MAX_EXAMPLES = 20  # per operation and phase; the whole run takes well under a minute here

# Every check schemathesis has for a REST API, each named so a new default does not slip in unseen.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
]


def contract_config(*, token: str) -> str:
    """The schemathesis configuration (TOML) of the run."""
    checks = "\n".join(f"[checks.{name}]\nenabled = true" for name in CHECKS)
    return f"""
seed = {SEED}
workers = 1
request-timeout = 20
continue-on-failure = true

[generation]
max-examples = {MAX_EXAMPLES}
no-shrink = true
deterministic = true
database = "none"
# DRF refuses a NUL character in every string (PostgreSQL cannot store one in text), with 400
# "Null characters are not allowed."; the schema cannot say so for each string, so none is sent.
allow-x00 = false

[auth.openapi.tokenAuth]
api_key = "Token {token}"

{checks}

# Logging in with a well-formed username and password that belong to no one is refused with
# 400 `invalid_credentials`: a schema says which requests are well formed, not which accounts
# exist. Everything else about the operation is checked.
[[operations]]
include-path = "/api/auth/token"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]
"""


def run_contract(base_url: str, *, token: str):
    """Run schemathesis over every operation; returns (failures, summary counts, seconds)."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    config = schemathesis.Config.from_str(contract_config(token=token))
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/", config=config, timeout=30)

    failures: dict[tuple[str, str, str], str] = {}
    errors: list[str] = []
    cases = 0
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    key = (failure.code, failure.title, failure.operation, failure.message)
                    if key not in failures:
                        response = event.recorder.find_response(case_id=case_id)
                        answer = f"[{response.status_code}] {response.content[:300]!r}" if response else "no response"
                        failures[key] = f"{failure}\n    {answer}\n    {check.failure_info.code_sample}"
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    return failures, errors, cases, time.monotonic() - started


def summary(failures, errors, cases, seconds) -> str:
    kinds = Counter(f"{code} {title}" for code, title, *_ in failures)
    lines = [f"schemathesis (seed {SEED}, {MAX_EXAMPLES} examples): {cases} cases in {seconds:.1f} s"]
    lines += [f"  {count:3d}  {kind}" for kind, count in sorted(kinds.items())] or ["  no failures"]
    lines += [f"  error: {error}" for error in errors]
    for (_, _, operation, _), detail in sorted(failures.items(), key=lambda item: item[0][2]):
        lines.append(f"--- {operation}\n{detail}")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.redis_db(13)
def test_the_api_keeps_its_openapi_contract(world: ServedWorld):
    # Another engineer is adding throttles to the auth endpoints: the fuzzer sends them hundreds
    # of requests, so their rates are raised in this process (429 itself is in the schema).
    world.start_web(
        AUTH_THROTTLE_IP_RATE="100000/min", AUTH_THROTTLE_USERNAME_RATE="100000/min", LOGIN_FAILURE_LIMIT="100000"
    )
    player = world.register("contract-keeper")

    failures, errors, cases, seconds = run_contract(world.http_base, token=player.token)
    report = summary(failures, errors, cases, seconds)
    print(report)

    web_log = world.processes[0].log()
    assert cases > 200, report  # the run really exercised the API
    assert not failures and not errors, report
    assert "Traceback" not in web_log, web_log[-5000:]


@pytest.mark.redis_db(13)
def test_a_form_body_gets_the_json_error_through_daphne(world: ServedWorld):
    # Twisted under daphne used to answer an unparseable form body itself, with an empty 400
    # that never reached Django (world/management/commands/serve.py).
    world.start_web()
    bodies = [
        ("multipart/form-data", b"not multipart at all"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
        ("application/x-www-form-urlencoded", b"username=wren&password=%zz&x"),
    ]
    for content_type, body in bodies:
        response = httpx.post(
            f"{world.http_base}/api/auth/token", content=body, headers={"Content-Type": content_type}, timeout=20
        )
        assert response.status_code == 415, (content_type, response.status_code, response.text)
        assert response.json()["code"] == "unsupported_media_type"

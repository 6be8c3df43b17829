"""Every dependency is pinned, transitive ones too, and what is installed is what is pinned."""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


@pytest.mark.parametrize("lock_file", ["requirements.txt", "requirements-dev.txt"])
def test_every_line_of_the_lock_is_an_exact_pin(lock_file):
    for line in (ROOT / lock_file).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            assert PIN.match(line), f"{lock_file}: {line!r} is not pinned exactly"


@pytest.mark.parametrize("lock_file", ["requirements.txt", "requirements-dev.txt"])
def test_the_lock_is_closed_under_dependencies(lock_file):
    """Whatever a locked package needs is locked too: nothing floats in by transitivity."""
    pins = lock(lock_file)
    missing = []
    for name in pins:
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in pins:
                missing.append(f"{name} needs {requirement.name}")
    assert not missing, missing


def test_what_is_installed_is_what_is_pinned():
    pins = lock("requirements-dev.txt")
    drift = {
        name: (version, metadata.version(name)) for name, version in pins.items() if metadata.version(name) != version
    }
    assert not drift, f"installed versions differ from the lock (pinned, installed): {drift}"


def test_the_runtime_lock_agrees_with_the_dev_lock():
    runtime, dev = lock("requirements.txt"), lock("requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime

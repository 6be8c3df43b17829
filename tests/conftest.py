"""Fixtures shared by every test folder."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from htrae.designers import DESIGNERS_GROUP
from tests.factories import LocationFactory, UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def starting_location(db):
    return LocationFactory(name="Gate", slug="gate", is_starting_location=True)


@pytest.fixture
def seeded_world(db):
    """The Htrae seed world, loaded from seed/htrae.yaml."""
    from narrative.seeding import seed_world

    return seed_world()


@pytest.fixture
def designer(db):
    user = UserFactory(username="designer", is_staff=True)
    user.groups.add(Group.objects.get(name=DESIGNERS_GROUP))
    return user


@pytest.fixture
def designer_client(client, designer):
    client.force_login(designer)
    return client


@pytest.fixture(autouse=True)
def offline_dialogue(settings):
    """Tests never call a real language model, whatever a developer's .env says."""
    settings.DIALOGUE_API_BASE = ""

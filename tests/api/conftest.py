"""Shared fixtures of the API tests (also for the writing endpoints' tests).

`api_token(user)` makes a personal token and returns its secret; `api_client(user)` returns a
DRF test client that sends it as `Authorization: Bearer <secret>`; `anonymous_api` sends none.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from api.services import api_token_create
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The throttle counts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_token(db):
    def make(user: User, name: str = "Test") -> str:
        _token, secret = api_token_create(user=user, name=name, expires_on=None)
        return secret
    return make


@pytest.fixture
def api_client(api_token):
    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")
        return client
    return make


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()


@pytest.fixture
def no_role_user(db) -> User:
    """A ministry account without a role: signs in, sees nothing."""
    return factories.make_user("ohne-rolle", "")


@pytest.fixture
def cast(coordinator_a, coordinator_b, clerk, approver, programme_admin, no_role_user) -> dict[str, User]:
    return {"coordinator_a": coordinator_a, "coordinator_b": coordinator_b, "clerk": clerk,
            "approver": approver, "programme_admin": programme_admin, "no_role": no_role_user}


MINISTRY = ("clerk", "approver", "programme_admin")
ROLE_NAMES = {Role.SACHBEARBEITUNG: "clerk", Role.BEWILLIGUNG: "approver", Role.PROGRAMMVERWALTUNG: "programme_admin"}

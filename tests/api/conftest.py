"""Shared fixtures of the API tests (also for the writing endpoints' tests).

`api_token(user)` makes a personal token and returns its secret; `api_client(user)` returns a
DRF test client that sends it as `Authorization: Bearer <secret>`; `anonymous_api` sends none.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
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



# -- a case that reaches every resource ------------------------------------------------------------
# Body A (coordinator_a): an award 2021–2025 with its Zuwendungsbescheid, 20.000,00 € of 2023 paid,
# the interim proof of use 2023 submitted and a reclaim proposed on it (the ministry's internal work:
# the body has not been heard yet). Body B (coordinator_b): a submitted application, no award.
# The clock stands on 01.03.2024.


@pytest.fixture
def case(coordinator_a, coordinator_b, clerk, approver):
    from datetime import date
    from decimal import Decimal

    from tests.grants import reclaim_fixtures as rf

    with rf.at(rf.TODAY):
        award, notice = rf.award_with_notice(coordinator_a, clerk, approver)
        payment = rf.pay(award, 2023, Decimal("20000.00"), date(2023, 1, 2), coordinator=coordinator_a,
                         clerk=clerk, approver=approver)
        report = rf.submitted_interim(award, coordinator_a)
        reclaim = rf.propose(report, clerk)
        other = factories.submitted_application(award.application.programme, coordinator_b)
    return {"award": award, "application": award.application, "notice": notice, "payment": payment,
            "report": report, "reclaim": reclaim, "other_application": other}


@pytest.fixture
def frozen_today():
    from tests.grants import reclaim_fixtures as rf

    with rf.at(rf.TODAY):
        yield rf.TODAY

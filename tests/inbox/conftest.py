import pytest

from accounts.roles import Role
from tests import factories


@pytest.fixture
def colleague_a(body_a):
    """A second coordinator of body A."""
    return factories.make_user("koordination-a2", Role.KOORDINATION, body_a, email="team@wmk.example.org")

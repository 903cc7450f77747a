import pytest

from tests.grants.seeded import SEEDED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the shared seeded demo (tests/grants/seeded.py) back once the next test does not
    use it – after this test's own fixtures are torn down, before the next one starts."""
    try:
        return (yield)
    finally:
        if nextitem is None or "seeded" not in nextitem.fixturenames:
            SEEDED.close()

"""The API's settings refuse unreadable values at start-up instead of failing on the first request."""

import pytest

from tests.test_settings import start


@pytest.mark.parametrize(("env", "message"), [
    ({"API_THROTTLE_READ": "600"}, "API_THROTTLE_READ='600': erwartet wird <Anzahl>/<sec|min|hour|day>"),
    ({"API_THROTTLE_WRITE": "viele/min"}, "API_THROTTLE_WRITE='viele/min'"),
    ({"API_PAGE_SIZE": "0"}, "API_PAGE_SIZE=0: erlaubt sind 1 bis 200."),
])
def test_unreadable_api_settings_refuse_to_start(env, message):
    result = start(DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_defaults_start():
    assert start(DEBUG="true", API_THROTTLE_READ="5/sec", API_THROTTLE_WRITE="1000/day").returncode == 0

"""The xdomea settings: a retention period that an xdomea message cannot carry refuses to start."""

import pytest

from tests.test_settings import start


@pytest.mark.parametrize("value", ["0", "101"])
def test_an_impossible_retention_period_refuses_to_start(value):
    result = start(DEBUG="true", XDOMEA_RETENTION_YEARS=value)

    assert result.returncode != 0
    assert f"XDOMEA_RETENTION_YEARS={value} muss zwischen 1 und 100 liegen." in result.stderr


def test_the_retention_period_and_recipients_have_working_defaults():
    assert start(DEBUG="true").returncode == 0

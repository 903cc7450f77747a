"""FILE_STORAGE is read at start-up: a value other than database or s3, or s3 without a bucket,
refuses to start with a message naming the variable."""

import pytest

from tests.test_settings import start


@pytest.mark.parametrize("env, message", [
    ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE='ftp': erlaubt sind „database“ und „s3“"),
    ({"FILE_STORAGE": "s3"}, "FILE_STORAGE=s3 braucht FILE_S3_BUCKET"),
])
def test_unusable_file_storage_refuses_to_start(env, message):
    result = start(DEBUG="true", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_s3_with_a_bucket_starts():
    result = start(DEBUG="true", FILE_STORAGE="s3", FILE_S3_BUCKET="wirfunding-dateien")
    assert result.returncode == 0, result.stderr

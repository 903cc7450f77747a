"""Backup round trip on PostgreSQL: bin/backup dumps a database holding issued notices and stored
files, bin/restore restores it into a new database and runs verify_files there; every notice is
byte-identical (same SHA-256 as in the original) and every file verifies."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from files.models import StoredFile
from grants.models import Notice
from grants.services.applications import attachment_add
from tests import factories
from tests.files.conftest import make_pdf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb")


@pytest.fixture
def tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1, aber es fehlen: {', '.join(missing)}")
        pytest.skip(f"braucht die PostgreSQL-Werkzeuge: {', '.join(missing)} fehlen")


def url(name: str) -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def restored_url(tools):
    name = f"{connection.settings_dict['NAME']}_restored"
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={url('postgres')}", name], check=True)
    yield url(name)
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={url('postgres')}", name], check=True)


def script(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "wirfunding.settings_test"}
    return subprocess.run([str(ROOT / "bin" / args[0]), *args[1:]], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def rows(database_url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_backup_and_restore_keep_every_notice_byte_identical_and_every_file_verifiable(
        restored_url, tmp_path, programme, coordinator_a, coordinator_b, clerk, approver):
    award = factories.approved_award(programme, coordinator_a, clerk, approver)
    draft = factories.draft_application(programme, coordinator_b)
    for n in range(2):
        attachment_add(application=draft, user=coordinator_b, name=f"Anlage {n}.pdf", content=make_pdf(f"Anlage {n}"))
    notices = {n.number: hashlib.sha256(bytes(n.pdf)).hexdigest() for n in Notice.objects.filter(award=award)}
    files = dict(StoredFile.objects.values_list("name", "sha256"))
    assert notices and len(files) == 2
    dump = tmp_path / "sicherung.dump"

    backup = script("backup", str(dump), database_url=url(connection.settings_dict["NAME"]))
    assert backup.returncode == 0, backup.stderr
    restore = script("restore", str(dump), restored_url, database_url=restored_url)

    assert restore.returncode == 0, restore.stderr
    assert "2 gespeicherte Dateien" in restore.stdout and "0 fehlen oder sind beschädigt" in restore.stdout
    restored = rows(restored_url, "SELECT number, sha256, pdf FROM grants_notice")
    assert {number: hashlib.sha256(bytes(pdf)).hexdigest() for number, _, pdf in restored} == notices
    assert all(recorded == notices[number] for number, recorded, _ in restored)
    assert dict(rows(restored_url, "SELECT name, encode(sha256(content), 'hex') FROM files_storedfile")) == files


def test_restored_database_with_a_lost_file_fails_verification(restored_url, tmp_path, programme, coordinator_a):
    draft = factories.draft_application(programme, coordinator_a)
    attachment = attachment_add(application=draft, user=coordinator_a, name="a.pdf", content=make_pdf("a"))
    dump = tmp_path / "sicherung.dump"
    assert script("backup", str(dump), database_url=url(connection.settings_dict["NAME"])).returncode == 0
    assert script("restore", str(dump), restored_url, database_url=restored_url).returncode == 0
    with psycopg2.connect(restored_url) as db, db.cursor() as cursor:
        cursor.execute("DELETE FROM files_storedfile WHERE name = %s", [attachment.file.name])

    check = script("restore", str(dump), restored_url, database_url=restored_url)
    verify = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "verify_files"], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": restored_url,
                                 "DJANGO_SETTINGS_MODULE": "wirfunding.settings_test"},
                            capture_output=True, text=True, timeout=300)

    assert check.returncode != 0  # the target exists already: restore refuses to overwrite it
    assert verify.returncode == 1
    assert f"verweist auf {attachment.file.name}, die Datei gibt es nicht" in verify.stderr

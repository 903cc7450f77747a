"""Fixtures of the file storage tests: a real PDF (pypdf writes it), a draft application with an
attachment, and an S3 server on loopback (moto) with a fresh bucket per test."""

import io
import uuid

import pytest
from moto.server import ThreadedMotoServer
from pypdf import PdfWriter

from files import pending
from files.storage import s3_storage
from grants.services.applications import attachment_add
from tests import factories


def make_pdf(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = make_pdf("Stellenplan 2026")


@pytest.fixture
def draft(programme, coordinator_a):
    return factories.draft_application(programme, coordinator_a)


@pytest.fixture
def attach(draft, coordinator_a):
    def attach(content: bytes = PDF, name: str = "Stellenplan.pdf"):
        return attachment_add(application=draft, user=coordinator_a, name=name, content=content)
    return attach


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API (moto's server) on a free loopback port, for the whole test session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, monkeypatch):
    """FILE_STORAGE=s3 with an empty bucket of its own; returns the bucket's storage."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings.FILE_STORAGE = "s3"
    settings.FILE_S3 = {"bucket_name": f"wf-test-{uuid.uuid4().hex[:12]}", "endpoint_url": s3_endpoint,
                        "access_key": "test", "secret_key": "test", "region_name": "eu-central-1", "location": ""}
    storage = s3_storage()
    storage.connection.create_bucket(Bucket=settings.FILE_S3["bucket_name"],
                                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    yield storage
    pending._pending().clear()


def objects(storage) -> dict[str, bytes]:
    """Every object in the bucket, by key, with its bytes."""
    return {obj.key: obj.get()["Body"].read() for obj in storage.bucket.objects.all()}

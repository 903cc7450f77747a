"""The schema-driven run: schemathesis generates requests for every operation of the published
OpenAPI schema (/api/v1/schema/) – valid ones and deliberately invalid ones – and sends them to
the WSGI application in this process, once with a coordinator's token and once with a clerk's.
Every answer must be no server error and must be what the schema documents: its status code,
its content type, its body.

Deterministic (derandomized) and bounded (MAX_EXAMPLES per operation and role), so that it runs
in CI on every `make test` in well under two minutes. Where a path names an object, the run
uses a real one of the role's reach (the draft, the award, its notice and payment), so the
writing endpoints meet real states and not only 404s.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core import clock
from grants.services.disbursements import disbursement_request
from tests import factories

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def world(db, programme, coordinator_a, coordinator_b, clerk, approver):
    """A running award with its notice and a payment call (body A), a draft (body B)."""
    with clock.frozen_at(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))):
        award = factories.approved_award(programme, coordinator_a, clerk, approver)
        payment = disbursement_request(award=award, year=2026, amount=Decimal("10000.00"), user=coordinator_a,
                                       stated_need="Personalkosten")
    draft = factories.draft_application(programme, coordinator_b)
    return {"award": award, "payment": payment, "draft": draft, "notice": award.application.notices.first(),
            "programme": programme}


@pytest.fixture
def keep_connection():
    """Like Django's test client: the database connection is not closed after each request (the
    test's transaction must stay open)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def caller(world: dict, user, token: str) -> dict:
    """The person's token, and the object each path's {id} names: for the coordinator of body B its
    draft (and body A's award, notice and payment, which it must not reach: 404); for the clerk
    body A's application and everything of its award."""
    application = world["draft"] if user.municipality_id else world["award"].application
    return {"headers": {"Authorization": f"Bearer {token}"},
            "ids": {"applications": application.pk, "awards": world["award"].pk, "notices": world["notice"].pk,
                    "payments": world["payment"].pk, "programmes": world["programme"].pk}}


# The schema as published, read through the application in this process (no server).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


def run_operation(operation, mode: GenerationMode, caller: dict) -> None:
    resource = operation.path.removeprefix("/api/v1/").split("/")[0]
    fixed = {"id": caller["ids"][resource]} if "{id}" in operation.path and resource in caller["ids"] else None

    @given(case=operation.as_strategy(mode, path_parameters=fixed))
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=caller["headers"], checks=CHECKS)

    run()


def test_every_operation_answers_as_documented(world, api_token, coordinator_b, clerk, keep_connection):
    """Every operation in both modes (valid and invalid requests), with a coordinator's and with a
    clerk's token; all failures are reported together, each with the request that reproduces it."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 21  # the read and the write endpoints
    failures = []
    for user in (coordinator_b, clerk):
        who = caller(world, user, api_token(user))
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    run_operation(operation, mode, who)
                except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - collected, reported below
                    failures.append(f"{user.get_role_display()} – {operation.label} ({mode.value}):\n{failure}")
    assert not failures, "\n\n".join(failures)

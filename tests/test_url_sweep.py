"""A sweep over every URL of the project, generated from the URL conf at test time.

Every pattern (walked recursively from `get_resolver()`, the `grants` namespace included;
the admin site under `admin/`, Django's auth views under `konto/` and the REST API under `api/`
left out) is requested with GET and POST by

- an anonymous visitor: a redirect to the login page with `next` (LoginRequiredMiddleware);
  the calendar feed (`login_not_required`, the address is the secret) answers 404 for a
  token it does not know, never data;
- the coordinator of another body (the objects belong to body A, the request comes from
  body B): 404 – the object does not exist for B – or 405 for a method the view does not take;
- every role that lacks the capability the view needs: 403 (404 where the object is hidden
  from that role as well, 405 for a wrong method).

No refused request may answer 200/302 with data or 500 (an anonymous or outside answer must
not even mention body A's file references or notice numbers), and none may change anything:
every row of the grants, audit and accounts tables, the audit trail count and the mail outbox
are compared with the state each test starts from. For each variant and method one person who
*may* use the view is sent too (the control: 200/302, or 405 where the table says the view
does not take the method), so a 404 elsewhere cannot come from a wrong object id in the table.

SWEEP maps each URL name to how its kwargs are built from the objects of one real case for
body A (built once for the module through the services) and which capability it needs.
A pattern missing from SWEEP – a view added later – fails here until it is described.
"""

import functools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import BinaryField
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ROLE_CAPABILITIES, Capability, Role
from audit.models import AuditEntry
from core import clock
from municipalities.loading import load_bodies
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 3, 1, 10, tzinfo=BERLIN)  # the award 2021–2025 runs; 2021–2023 have ended
PDF = factories.PDF  # a real one-page PDF; uploads are parsed (core/uploads.py)
# api/: the REST API signs in by token, not by session; tests/api sweeps each endpoint with every role.
SKIPPED_PREFIXES = ("admin/", "konto/", "api/")
METHODS = ("GET", "POST")

# -- who -------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ACTORS = (ANONYMOUS, "coord_a", "coord_b", "clerk", "approver", "admin")
ROLES = {"coord_a": Role.KOORDINATION, "coord_b": Role.KOORDINATION, "clerk": Role.SACHBEARBEITUNG,
         "approver": Role.BEWILLIGUNG, "admin": Role.PROGRAMMVERWALTUNG}
# The person sent for the control: the first one in this order who may use the view.
CONTROL_ORDER = ("coord_a", "clerk", "approver", "admin", "coord_b")

# Who may *see* the objects a URL names (independent of what they may do with them).
MINISTRY = frozenset({"clerk", "approver", "admin"})
BODY_A = MINISTRY | {"coord_a"}     # submitted objects of body A
ONLY_A = frozenset({"coord_a"})     # drafts: the body's own work until submitted
PAYMENT_STAFF = frozenset({"clerk", "approver"})  # payment order exports
EVERYONE = frozenset(ROLES)         # no object of a body (lists, exports, the programme's code)

# Capabilities beyond accounts.roles.Capability.
ANY = "any signed-in person (the object's visibility decides)"
PAYMENTS = "prepare_payment or release_payment"
DEADLINES = "view_all, or apply for a body"
PUBLIC = "no sign-in (the address is the secret, or the answer holds no data)"
WAIVER = "apply for the body, or review (Rechtsbehelfsverzicht)"


def capable(role: str, needs: str) -> bool:
    caps = ROLE_CAPABILITIES[role]
    if needs == ANY:
        return True
    if needs == PAYMENTS:
        return Capability.PREPARE_PAYMENT in caps or Capability.RELEASE_PAYMENT in caps
    if needs == DEADLINES:
        return Capability.VIEW_ALL in caps or Capability.APPLY in caps
    if needs == WAIVER:
        return Capability.APPLY in caps or Capability.REVIEW in caps
    return needs in caps


# -- the table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An attribute path into the world (`"award_app"`, `"programme_open.code"`); a model
    instance stands for its pk."""

    path: str

    def resolve(self, world):
        value = world
        for part in self.path.split("."):
            value = getattr(value, part)
        return getattr(value, "pk", value)


@dataclass(frozen=True)
class Case:
    needs: str                                   # a Capability, or ANY / PAYMENTS / DEADLINES / PUBLIC
    kwargs: dict = field(default_factory=dict)   # URL parameter → Ref or literal
    seen_by: frozenset = EVERYONE                # who may see the objects named by kwargs
    methods: frozenset = frozenset(METHODS)      # the methods the view takes
    query: str = ""
    data: Any = None                             # POST data: dict (values Ref or literal) or a callable
    label: str = ""
    public_status: int | None = None             # PUBLIC views: the answer for everyone


GET, POST = frozenset({"GET"}), frozenset({"POST"})


def pk(path: str) -> Ref:
    return Ref(path)


def pdf_upload(field_name: str):
    return lambda: {field_name: SimpleUploadedFile("Nachweis.pdf", PDF, content_type="application/pdf")}


C = Capability
SWEEP: dict[str, Case | tuple[Case, ...]] = {
    "dashboard": Case(ANY),
    # Operations: health and readiness for load balancers and monitoring, no sign-in, no data.
    "healthz": Case(PUBLIC, methods=GET, public_status=200),
    "readyz": Case(PUBLIC, methods=GET, public_status=200),
    # Rechtliche Hinweise: public pages and the feedback form (sent empty it is refused, nothing stored);
    # their texts are edited by the programme administration only.
    "legal:impressum": Case(PUBLIC, methods=GET, public_status=200),
    "legal:datenschutz": Case(PUBLIC, methods=GET, public_status=200),
    "legal:barrierefreiheit": Case(PUBLIC, methods=GET, public_status=200),
    "legal:feedback": Case(PUBLIC, public_status=200),
    "legal:admin_overview": Case(C.MANAGE_PROGRAMME, methods=GET),
    "legal:edit": Case(C.MANAGE_PROGRAMME, {"kind": "impressum"}, data={"title": "Impressum", "body": "Neu"}),
    # Koordination: applications, attachments
    "grants:application_list": Case(C.APPLY),
    "grants:application_new": Case(C.APPLY),
    "grants:application_create": Case(C.APPLY, {"code": Ref("programme_open.code")},
                                      data={"title": "Übernommen?", "purpose": "x"}),
    # Copying the 2021–2025 application into the open period (where body A has its draft already).
    "grants:application_copy": Case(C.APPLY, {"code": Ref("programme_open.code")}, ONLY_A, POST,
                                    data={"source": pk("award_app")}),
    "grants:application_detail": (
        Case(ANY, {"pk": pk("app_submitted")}, BODY_A, label="eingereicht"),
        Case(ANY, {"pk": pk("award_app")}, BODY_A, label="bewilligt"),
        Case(ANY, {"pk": pk("app_draft")}, ONLY_A, label="entwurf"),
    ),
    "grants:application_history": (
        Case(ANY, {"pk": pk("award_app")}, BODY_A, GET, label="bewilligt"),
        Case(ANY, {"pk": pk("app_draft")}, ONLY_A, GET, label="entwurf"),
    ),
    "grants:application_edit": Case(C.APPLY, {"pk": pk("app_draft")}, ONLY_A,
                                    data={"title": "Übernommen?", "purpose": "Übernommen?"}),
    "grants:application_submit": Case(C.APPLY, {"pk": pk("app_draft")}, ONLY_A),  # GET: the confirmation
    "grants:application_withdraw": Case(C.APPLY, {"pk": pk("app_submitted")}, BODY_A,
                                        data={"reason": "Zurückgezogen von außen"}),
    "grants:attachment_upload": Case(C.APPLY, {"pk": pk("app_draft")}, ONLY_A, POST, data=pdf_upload("file")),
    "grants:attachment_download": (
        Case(ANY, {"pk": pk("app_draft"), "attachment_pk": pk("attachment_draft")}, ONLY_A, label="entwurf"),
        Case(ANY, {"pk": pk("app_submitted"), "attachment_pk": pk("attachment_submitted")}, BODY_A,
             label="eingereicht"),
    ),
    "grants:attachment_delete": Case(C.APPLY, {"pk": pk("app_draft"), "attachment_pk": pk("attachment_draft")},
                                     ONLY_A, POST),
    # Sachbearbeitung: review
    "grants:review_queue": Case(C.REVIEW),
    "grants:review_start": Case(C.REVIEW, {"pk": pk("app_submitted")}, BODY_A, POST),
    "grants:review_request_changes": Case(C.REVIEW, {"pk": pk("app_in_review")}, BODY_A,
                                          data={"message": "Bitte den Stellenplan nachreichen."}),
    "grants:review_recommend": Case(C.REVIEW, {"pk": pk("app_in_review")}, BODY_A,
                                    data={"amount-2024": "100.000,00", "amount-2025": "100.000,00",
                                          "amount-2026": "100.000,00", "justification": ""}),
    "grants:review_comment": Case(C.REVIEW, {"pk": pk("app_in_review")}, BODY_A,
                                  data={"text": "Kommentar von außen", "visibility": "antragsteller"}),
    "grants:assignment_take": Case(C.REVIEW, {"pk": pk("app_in_review")}, BODY_A, POST),
    "grants:assignment_hand_on": Case(C.REVIEW, {"pk": pk("app_in_review")}, BODY_A,
                                      data={"assignee": "niemand", "note": "Übergabe von außen"}),
    # Bewilligung
    "grants:decision_queue": Case(C.DECIDE),
    "grants:decision_approve": Case(C.DECIDE, {"pk": pk("app_recommended")}, BODY_A),
    "grants:decision_reject": Case(C.DECIDE, {"pk": pk("app_recommended")}, BODY_A,
                                   data={"reason": "Nicht förderfähig.", "discretion": "Mittel erschöpft."}),
    "grants:early_start_record": Case(C.DECIDE, {"pk": pk("app_in_review")}, BODY_A,
                                      data={"consented_on": "01.02.2024", "consented_by": "Ministerium, Referat II 5",
                                            "allowed_from": "01.01.2024"}),
    # Bescheide and handover ceremonies
    "grants:notice_issue": Case(C.ISSUE_NOTICE, {"pk": pk("award_app")}, BODY_A, query="art=aenderung",
                                data={"issued_on": "01.03.2024", "refers_to": pk("notice"),
                                      "changes": "Der Bewilligungszeitraum endet früher."}),
    "grants:notice_preview": Case(C.ISSUE_NOTICE, {"pk": pk("award_app")}, BODY_A, GET, query="art=zuwendung"),
    "grants:notice_download": Case(ANY, {"pk": pk("notice")}, BODY_A, GET),
    "grants:notice_delivery": Case(C.REVIEW, {"pk": pk("notice")}, BODY_A, POST,
                                   data={"method": "post", "event_on": "01.03.2024",
                                         "correction_reason": "Doch mit der Post versandt."}),
    "grants:notice_waiver": Case(WAIVER, {"pk": pk("notice")}, BODY_A, POST,
                                 data={"declared_on": "01.03.2024", "declared_by_name": "Landrat"}),
    "grants:ceremony_list": Case(C.VIEW_ALL),
    "grants:notice_list": Case(C.VIEW_ALL),
    "grants:ceremony_detail": Case(C.VIEW_ALL, {"pk": pk("ceremony")}, MINISTRY),
    "grants:ceremony_attach": Case(C.ISSUE_NOTICE, {"pk": pk("ceremony")}, MINISTRY, POST,
                                   data={"notice": pk("reclaim_notice")}),
    "grants:ceremony_detach": Case(C.ISSUE_NOTICE, {"pk": pk("ceremony"), "notice_pk": pk("notice")}, MINISTRY,
                                   POST),
    "grants:ceremony_presentation": Case(C.VIEW_ALL, {"pk": pk("ceremony")}, MINISTRY, POST),
    "grants:ceremony_bundle": Case(C.VIEW_ALL, {"pk": pk("ceremony")}, MINISTRY, POST),
    "grants:notice_archive": Case(C.VIEW_ALL, {"pk": pk("programme")}, methods=POST),
    # Background jobs: a clerk's ceremony bundle (ministry staff see it, nobody else)
    "background:job_list": Case(ANY, methods=GET),
    "background:job_detail": Case(ANY, {"pk": Ref("job.uuid")}, MINISTRY, GET),
    "background:job_download": Case(ANY, {"pk": Ref("job.uuid")}, MINISTRY, GET),
    # Benachrichtigungen: each person's own (coordinator A's: the notice of her award)
    "inbox:list": Case(ANY, methods=GET),
    "inbox:open": Case(ANY, {"pk": pk("notification_a")}, ONLY_A, GET),
    "inbox:read": Case(ANY, {"pk": pk("notification_a")}, ONLY_A, POST),
    "inbox:read_all": Case(ANY, methods=POST),
    "inbox:settings": Case(ANY, data={"delivery": "taeglich"}),
    # Mittelabruf and Auszahlung
    "grants:payment_request": Case(C.APPLY, {"pk": pk("award_app")}, BODY_A,
                                   data={"year": "2024", "amount": "1.000,00", "stated_need": "Honorare"}),
    "grants:payment_queue": Case(PAYMENTS),
    "grants:payment_prepare": Case(C.PREPARE_PAYMENT, {"pk": pk("d_requested")}, BODY_A),
    "grants:payment_release": Case(C.RELEASE_PAYMENT, {"pk": pk("d_prepared")}, BODY_A),  # GET: the confirmation
    "grants:payment_book": Case(C.PREPARE_PAYMENT, {"pk": pk("d_released")}, BODY_A,
                                data={"paid_on": "01.03.2024", "payment_reference": "LHK-4711"}),
    "grants:payment_reject": Case(C.PREPARE_PAYMENT, {"pk": pk("d_requested")}, BODY_A,
                                  data={"reason": "Bedarf nicht belegt."}),
    "grants:payment_cancel": Case(C.APPLY, {"pk": pk("d_requested")}, BODY_A, POST),
    "grants:payment_bulk": Case(C.PREPARE_PAYMENT, {"action": "buchen"},
                                data={"auswahl": pk("d_released"), "paid_on": "01.03.2024",
                                      "payment_reference": "LHK-4711"}),
    # Programme overview, payment orders
    "grants:programme_overview": Case(C.VIEW_ALL),
    "grants:programme_export": Case(C.VIEW_ALL, {"fmt": "csv"}),
    "grants:payment_orders": Case(C.PREPARE_PAYMENT, methods=GET),
    "grants:payment_orders_create": Case(C.PREPARE_PAYMENT, methods=POST, data={"tag": "01.03.2024"}),
    "grants:payment_order_detail": Case(C.PREPARE_PAYMENT, {"pk": pk("export")}, PAYMENT_STAFF, GET),
    "grants:payment_order_reexport": Case(C.PREPARE_PAYMENT, {"pk": pk("export")}, PAYMENT_STAFF, POST,
                                          data={"bestaetigt": "on"}),
    "grants:payment_order_download": Case(C.PREPARE_PAYMENT, {"pk": pk("export"), "fmt": "csv"}, PAYMENT_STAFF,
                                          GET),
    # Fristen and the calendar
    "grants:deadline_list": Case(DEADLINES),
    "grants:deadline_calendar": Case(C.APPLY),
    "grants:deadline_calendar_renew": Case(C.APPLY, methods=POST),
    "grants:deadline_calendar_feed": (
        Case(PUBLIC, {"token": Ref("token_unknown")}, public_status=404, label="unbekannt"),
        Case(PUBLIC, {"token": "kurz"}, public_status=404, label="zu-kurz"),
        Case(PUBLIC, {"token": Ref("token_clerk")}, public_status=404, label="keine-koordination"),
        Case(PUBLIC, {"token": Ref("token_inactive")}, public_status=404, label="deaktiviert"),
        Case(PUBLIC, {"token": Ref("token_valid")}, public_status=200, label="gueltig"),
    ),
    # Verwendungsnachweise
    "grants:usage_report_interim": Case(C.APPLY, {"pk": pk("award_app"), "year": 2021}, BODY_A,
                                        data={"submit": "1"}),
    "grants:usage_report_final": Case(C.APPLY, {"pk": pk("award_app")}, BODY_A),
    "grants:usage_report_list": Case(C.REVIEW),
    "grants:usage_report_check": Case(C.REVIEW, {"pk": pk("report")}, BODY_A),
    "grants:usage_report_narrative": Case(C.APPLY, {"pk": pk("report")}, BODY_A, POST,
                                          data=pdf_upload("narrative")),
    "grants:usage_report_narrative_download": Case(ANY, {"pk": pk("report")}, BODY_A),
    "grants:usage_report_accept": Case(C.REVIEW, {"pk": pk("report")}, BODY_A, POST, data={"note": "geprüft"}),
    "grants:usage_report_send_back": Case(C.REVIEW, {"pk": pk("report")}, BODY_A, POST,
                                          data={"questions": "Bitte Belege nachreichen."}),
    # Abschluss, Programmbericht
    "grants:award_close": Case(C.REVIEW, {"pk": pk("award_app")}, BODY_A),  # GET: the confirmation
    "grants:award_financing": Case(C.DECIDE, {"pk": pk("award_app")}, BODY_A, data={"financing_type": "fehlbedarf"}),
    "grants:programme_report": Case(C.VIEW_ALL),
    "grants:programme_report_export": Case(C.VIEW_ALL, {"fmt": "csv"}),
    # Rückforderungen, Basiszinssatz
    "grants:reclaim_propose": Case(C.REVIEW, {"pk": pk("report")}, BODY_A,
                                   data={"award_year": pk("award_year_2021"), "ground": "nicht_verwendet",
                                         "principal": "1.000,00", "interest_from": "02.11.2021",
                                         "reason": "Die Stelle war zwei Monate nicht besetzt."}),
    "grants:reclaim_list": Case(C.VIEW_ALL),
    "grants:reclaim_detail": (
        Case(ANY, {"pk": pk("reclaim_issued")}, BODY_A, label="festgesetzt"),
        # A proposal is the ministry's until the Anhörungsschreiben is sent; this one was sent.
        Case(ANY, {"pk": pk("reclaim_proposed")}, BODY_A, label="vorgeschlagen, angehört"),
    ),
    "grants:reclaim_hearing_send": Case(C.REVIEW, {"pk": pk("reclaim_proposed")}, MINISTRY, POST),
    "grants:reclaim_hearing_pdf": Case(ANY, {"pk": pk("reclaim_proposed")}, BODY_A),
    "grants:reclaim_hearing_answer": Case(C.APPLY, {"pk": pk("reclaim_proposed")}, BODY_A, POST,
                                          data={"text": "Wir nehmen Stellung."}),
    "grants:reclaim_hearing_answer_pdf": Case(ANY, {"pk": pk("reclaim_issued")}, BODY_A),
    "grants:reclaim_preview": Case(C.ISSUE_NOTICE, {"pk": pk("reclaim_proposed")}, MINISTRY),
    "grants:reclaim_issue": Case(C.ISSUE_NOTICE, {"pk": pk("reclaim_proposed")}, MINISTRY),  # GET: the confirmation
    "grants:reclaim_discard": Case(C.ISSUE_NOTICE, {"pk": pk("reclaim_proposed")}, MINISTRY, POST,
                                   data={"reason": "Doch verwendet."}),
    "grants:reclaim_repayment": Case(C.PREPARE_PAYMENT, {"pk": pk("reclaim_issued")}, BODY_A, POST,
                                     data={"received_on": "01.03.2024", "amount": "100,00", "reference": "R-1"}),
    "grants:base_rate_list": Case(C.MANAGE_PROGRAMME,
                                  data={"valid_from": "01.07.2024", "rate": "3,37", "source": "Bundesbank"}),
    # Änderungsanträge
    "grants:amendment_edit": Case(C.APPLY, {"pk": pk("award_app")}, BODY_A),
    "grants:amendment_list": Case(C.VIEW_ALL),
    "grants:amendment_detail": Case(ANY, {"pk": pk("amendment")}, BODY_A),
    "grants:amendment_withdraw": Case(C.APPLY, {"pk": pk("amendment")}, BODY_A, POST),
    "grants:amendment_send_back": Case(C.REVIEW, {"pk": pk("amendment")}, BODY_A, POST,
                                       data={"questions": "Warum 2025 weniger?"}),
    "grants:amendment_recommend": Case(C.REVIEW, {"pk": pk("amendment")}, BODY_A, POST, data={"note": ""}),
    "grants:amendment_approve": Case(C.DECIDE, {"pk": pk("amendment")}, BODY_A, POST, data={"note": ""}),
    "grants:amendment_reject": Case(C.DECIDE, {"pk": pk("amendment")}, BODY_A, POST,
                                    data={"reason": "Nicht begründet."}),
}


def variants(name: str) -> tuple[Case, ...]:
    entry = SWEEP[name]
    return entry if isinstance(entry, tuple) else (entry,)


# -- the URL conf ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    params: tuple[str, ...]


def _params(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None) or {}
    names = list(converters)
    regex = getattr(pattern, "regex", None)
    if regex is not None:
        names += [group for group in regex.groupindex if group not in names]
    return names


def url_patterns() -> list[Pattern]:
    """Every pattern of the URL conf, recursively, except the admin site and the auth views."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str, params: list[str]):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            here = params + [p for p in _params(entry.pattern) if p not in params]
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, route, inner, here)
            elif isinstance(entry, URLPattern):
                name = None if entry.name is None else (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append(Pattern(name, route, tuple(here)))

    walk(get_resolver().url_patterns, "", "", [])
    return found


# -- the generated cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    pattern: Pattern
    case: Case | None  # None: the pattern has no entry in SWEEP
    method: str
    actor: str
    kind: str  # "anonymous", "refused", "control", "public" or "missing"

    @property
    def id(self) -> str:
        name = self.pattern.name or self.pattern.route
        label = f"[{self.case.label}]" if self.case and self.case.label else ""
        return f"{name}{label}-{self.method}-{self.actor}"


def allowed(case: Case, actor: str) -> bool:
    return capable(ROLES[actor], case.needs) and actor in case.seen_by


def generate() -> list[Sweep]:
    sweeps = []
    for pattern in url_patterns():
        if pattern.name not in SWEEP:
            sweeps.append(Sweep(pattern, None, "GET", "-", "missing"))
            continue
        for case in variants(pattern.name):
            for method in METHODS:
                if case.needs == PUBLIC:
                    sweeps += [Sweep(pattern, case, method, actor, "public") for actor in ACTORS]
                    continue
                sweeps.append(Sweep(pattern, case, method, ANONYMOUS, "anonymous"))
                sweeps += [Sweep(pattern, case, method, actor, "refused")
                           for actor in ROLES if not allowed(case, actor)]
                control = next((actor for actor in CONTROL_ORDER if allowed(case, actor)), None)
                if control is not None:
                    sweeps.append(Sweep(pattern, case, method, control, "control"))
    return sweeps


SWEEPS = generate()


def refusal_statuses(case: Case, actor: str) -> set[int]:
    """What a refused person may get: 403 for lacking the capability on an object they see (or on
    no object at all), 404 for an object hidden from them although they hold the capability,
    either where both apply. 405 is always acceptable: a method the view does not take is refused
    before anything is looked up (whether the table names the view's methods right is checked by
    the control request)."""
    has_capability = capable(ROLES[actor], case.needs)
    sees = actor in case.seen_by
    assert not (has_capability and sees), f"{actor} may use this view"
    return ({404} if has_capability else ({403} if sees else {403, 404})) | {405}


# -- the world: one real case per kind, for body A -------------------------------------------------


def _body(name: str) -> Municipality:
    if not Municipality.objects.exists():
        load_bodies(Municipality, AdministrativeCourt)
    return Municipality.objects.get(name=name)


def build_world() -> SimpleNamespace:
    # Imported here: the helpers' modules also define fixtures, which are not wanted in this module.
    from background.jobs import job_start
    from background.models import Job
    from grants.models import HandoverCeremony, Notice
    from grants.services.applications import application_submit, attachment_add
    from grants.services.disbursements import disbursement_prepare, disbursement_release, disbursement_request
    from grants.services.hearings import reclaim_hearing_answer, reclaim_hearing_send
    from grants.services.notices import notice_attach_ceremony
    from grants.services.payment_orders import payment_orders_export
    from grants.services.reminders import calendar_token_ensure
    from inbox.models import Notification
    from tests.grants.amendment_helpers import submitted as amendment_submitted
    from tests.grants.amendment_helpers import year_row
    from tests.grants.reclaim_fixtures import award_with_notice, issued, pay, propose, submitted_interim

    w = SimpleNamespace()
    body_a, body_b = _body("Werra-Meißner-Kreis"), _body("Hochtaunuskreis")
    users = {
        "coord_a": factories.make_user("sweep-koordination-a", Role.KOORDINATION, body_a),
        "coord_b": factories.make_user("sweep-koordination-b", Role.KOORDINATION, body_b),
        "clerk": factories.make_user("sweep-sachbearbeitung", Role.SACHBEARBEITUNG),
        "approver": factories.make_user("sweep-bewilligung", Role.BEWILLIGUNG),
        "admin": factories.make_user("sweep-programmverwaltung", Role.PROGRAMMVERWALTUNG),
    }
    w.users = users
    coord_a, clerk, approver = users["coord_a"], users["clerk"], users["approver"]

    # The award 2021–2025 with its Zuwendungsbescheid, 20.000,00 € paid in each of 2021–2023.
    w.award, w.notice = award_with_notice(coord_a, clerk, approver)
    w.award_app, w.programme = w.award.application, w.award.application.programme
    for year, day in ((2021, date(2021, 11, 2)), (2022, date(2022, 1, 3)), (2023, date(2023, 1, 2))):
        pay(w.award, year, Decimal("20000.00"), day, coordinator=coord_a, clerk=clerk, approver=approver)
    w.award_year_2021 = w.award.years.get(budget__year=2021)

    # Proofs of use: 2021 submitted (to check); 2022 closed with a fixed reclaim, 2023 with a proposed one.
    w.report = submitted_interim(w.award, coord_a, year=2021)
    report_2022 = submitted_interim(w.award, coord_a, year=2022)
    report_2023 = submitted_interim(w.award, coord_a, year=2023)
    reclaim_2022 = propose(report_2022, clerk, award_year=w.award.years.get(budget__year=2022),
                           interest_from=date(2022, 1, 3))
    # Heard first (§ 28 HVwVfG): the body answered with a PDF.
    reclaim_hearing_send(reclaim=reclaim_2022, user=clerk)
    reclaim_hearing_answer(reclaim=reclaim_2022, user=coord_a, text="Stellungnahme", pdf_name="s.pdf", pdf_content=PDF)
    w.reclaim_issued = issued(reclaim_2022, approver)
    w.reclaim_notice = w.reclaim_issued.notice
    # Proposed and heard (the letter sent, no answer yet): the body sees it and may answer.
    w.reclaim_proposed = propose(report_2023, clerk)
    reclaim_hearing_send(reclaim=w.reclaim_proposed, user=clerk)

    # Payment requests of 2024 in each state the actions start from, and a payment order export.
    def request(amount="5000.00"):
        return disbursement_request(award=w.award, year=2024, amount=Decimal(amount), user=coord_a,
                                    stated_need="Honorare Mikroprojekte")

    exported = request()
    disbursement_prepare(disbursement=exported, user=clerk)
    disbursement_release(disbursement=exported, user=approver)
    w.export = payment_orders_export(day=clock.today(), user=clerk)
    w.d_requested = request()
    w.d_prepared = disbursement_prepare(disbursement=request(), user=clerk)
    w.d_released = disbursement_release(disbursement=disbursement_prepare(disbursement=request(), user=clerk),
                                        user=approver)

    # A submitted Änderungsantrag: 2025 lowered by 10.000,00 €.
    rows = {year: year_row("100000.00") for year in range(2021, 2025)} | {2025: year_row("90000.00")}
    w.amendment = amendment_submitted(w.award, coord_a, rows=rows, period_end=w.award.period_end,
                                      reason="Die Stelle bleibt 2025 teilweise unbesetzt.")

    # A handover ceremony with the award notice.
    w.notification_a = Notification.objects.filter(recipient=coord_a).first()
    assert w.notification_a is not None
    w.ceremony = HandoverCeremony.objects.create(date=date(2021, 10, 29), place="Eschwege",
                                                 official_title="Staatssekretärin", official_name="Anne Janz")
    notice_attach_ceremony(notice=w.notice, ceremony=w.ceremony, user=approver)
    assert w.notice.kind == Notice.Kind.AWARD
    # The clerk's job making its bundle (waiting: the world's transaction never commits).
    w.job, _created = job_start(user=clerk, kind=Job.Kind.CEREMONY_BUNDLE, target=w.ceremony, label="Eschwege")

    # Applications of body A in the other states, each in its own programme period (one live
    # application per body and period).
    def programme(code):
        made = factories.make_programme(code=code, start=2024, end=2026)
        made.file_reference_prefix = f"WIR-{code.upper()}"  # the file references must differ
        made.save(update_fields=["file_reference_prefix"])
        return made

    w.programme_open = programme("sweep-entwurf")
    w.app_draft = factories.draft_application(w.programme_open, coord_a)
    w.attachment_draft = attachment_add(application=w.app_draft, user=coord_a, name="Stellenplan.pdf", content=PDF)
    app = factories.draft_application(programme("sweep-eingereicht"), coord_a)
    w.attachment_submitted = attachment_add(application=app, user=coord_a, name="Satzung.pdf", content=PDF)
    w.app_submitted = application_submit(application=app, user=coord_a)
    w.app_in_review = factories.in_review_application(programme("sweep-pruefung"), coord_a, clerk)
    w.app_recommended = factories.recommended_application(programme("sweep-empfohlen"), coord_a, clerk)

    # Calendar tokens: body A's coordinator's, a deactivated coordinator's, and one a clerk holds.
    w.token_valid = calendar_token_ensure(user=coord_a)
    former = factories.make_user("sweep-koordination-a-alt", Role.KOORDINATION, body_a)
    w.token_inactive = calendar_token_ensure(user=former)
    former.is_active = False
    former.save(update_fields=["is_active"])
    w.token_clerk = secrets.token_urlsafe(32)
    type(clerk).objects.filter(pk=clerk.pk).update(calendar_token=w.token_clerk)
    w.token_unknown = secrets.token_urlsafe(32)

    # What an outsider must never see.
    w.secrets = [a.file_reference for a in (w.award_app, w.app_submitted, w.app_in_review, w.app_recommended)]
    w.secrets += [w.notice.number, w.reclaim_notice.number, w.award_app.title]
    # Every test starts from this state (its changes are rolled back with its savepoint), so the
    # state before each request is taken once.
    w.fingerprint = fingerprint()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it (pytest-django's `db`), so nothing a test does survives it."""
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(tmp_path_factory.mktemp("sweep-files")), "base_url": None}}
    from django.conf import settings

    with django_db_blocker.unblock(), override_settings(STORAGES={**settings.STORAGES, "default": storage}), \
            clock.frozen_at(NOW), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# -- what must not change ----------------------------------------------------------------------------


@functools.cache
def _fingerprint_queries() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    quote = connection.ops.quote_name
    queries = []
    for label in ("grants", "audit", "accounts"):
        for model in apps.get_app_config(label).get_models():
            fields = [f for f in model._meta.concrete_fields
                      if f.attname != "last_login" and not isinstance(f, BinaryField)]
            fields.sort(key=lambda f: not f.primary_key)  # the pk first: rows are told apart by it
            sql = (f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(model._meta.db_table)} "
                   f"ORDER BY {quote(model._meta.pk.column)}")
            queries.append((model._meta.label, tuple(f.attname for f in fields), sql))
    return tuple(queries)


def fingerprint() -> dict:
    """Every row of the grants, audit and accounts tables (without last_login, which signing in
    sets, and without stored PDF bytes, which never change in place) and the audit trail count."""
    state: dict[str, dict | int] = {}
    with connection.cursor() as cursor:
        for label, _columns, sql in _fingerprint_queries():
            cursor.execute(sql)
            state[label] = {row[0]: row for row in cursor.fetchall()}
    state["audit entries"] = AuditEntry.objects.count()
    return state


def diff(before: dict, after: dict) -> list[str]:
    """What changed, readably: rows added or removed, and the changed columns of changed rows."""
    columns = {label: names for label, names, _sql in _fingerprint_queries()}
    changes = []
    for key, old in before.items():
        new = after[key]
        if old == new:
            continue
        if key not in columns:
            changes.append(f"{key}: {old} → {new}")
            continue
        changes += [f"{key} pk={pk} added" for pk in new.keys() - old.keys()]
        changes += [f"{key} pk={pk} deleted" for pk in old.keys() - new.keys()]
        for pk in sorted(old.keys() & new.keys()):
            if old[pk] != new[pk]:
                fields = [f"{name}: {a!r} → {b!r}"
                          for name, a, b in zip(columns[key], old[pk], new[pk], strict=True) if a != b]
                changes.append(f"{key} pk={pk} " + "; ".join(fields))
    return changes


# -- the tests ---------------------------------------------------------------------------------------


def _request(client: Client, sweep: Sweep, world) -> tuple[str, Any]:
    case = sweep.case
    assert case is not None  # only a "missing" sweep has none
    kwargs = {key: value.resolve(world) if isinstance(value, Ref) else value for key, value in case.kwargs.items()}
    path = reverse(sweep.pattern.name, kwargs=kwargs)
    if case.query:
        path = f"{path}?{case.query}"
    if sweep.method == "GET":
        return path, client.get(path)
    data = case.data() if callable(case.data) else dict(case.data or {})
    data = {key: value.resolve(world) if isinstance(value, Ref) else value for key, value in data.items()}
    return path, client.post(path, data)


def login_redirect(path: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = path
    return f"{reverse('login')}?{query.urlencode(safe='/')}"


def _describe(response) -> str:
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    if getattr(response, "exc_info", None):
        error = response.exc_info[1]
        where += f" ({type(error).__name__}: {str(error)[:200]})"
    return f"{response.status_code}{where}"


@pytest.mark.parametrize("sweep", SWEEPS, ids=[s.id for s in SWEEPS])
def test_url_sweep(sweep: Sweep, world, db, client):
    if sweep.kind == "missing":
        pytest.fail(f"{sweep.pattern.name or sweep.pattern.route!r} ({sweep.pattern.route}) has no entry in "
                    f"SWEEP: add how to build its kwargs {list(sweep.pattern.params)} and the capability it needs.")
    case = sweep.case
    assert case is not None  # only a "missing" sweep has none
    client.raise_request_exception = False  # a server error is a status like any other here: 500
    if sweep.actor != ANONYMOUS:
        client.force_login(world.users[sweep.actor])

    assert not mail.outbox
    path, response = _request(client, sweep, world)
    got = _describe(response)
    if sweep.kind == "control":
        # The table itself: the object exists and this person may use the view with this method.
        expected = {200, 302} if sweep.method in case.methods else {405}
        assert response.status_code in expected, f"{sweep.actor} may use {path}: expected {expected}, got {got}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), got
        return

    if sweep.kind == "public":
        expected_status = case.public_status if sweep.method in case.methods else 405
        assert response.status_code == expected_status, f"{path}: expected {expected_status}, got {got}"
        if expected_status != 200:
            assert "BEGIN:VCALENDAR" not in response.content.decode(errors="replace")
    elif sweep.kind == "anonymous":
        assert response.status_code == 302, f"{path}: expected a redirect to the login, got {got}"
        assert response["Location"] == login_redirect(path), got
    else:
        expected = refusal_statuses(case, sweep.actor)
        assert response.status_code in expected, f"{sweep.actor} {sweep.method} {path}: expected {expected}, got {got}"

    if sweep.actor in (ANONYMOUS, "coord_b") and not (sweep.kind == "public" and case.public_status == 200):
        content = b"" if getattr(response, "streaming", False) else response.content
        text = content.decode(errors="replace")
        leaked = [secret for secret in world.secrets if secret and secret in text]
        assert not leaked, f"{path} shows body A's data to {sweep.actor}: {leaked}"
    changes = diff(world.fingerprint, fingerprint())
    assert not changes, f"{sweep.actor} {sweep.method} {path} ({got}) changed: {changes}"
    assert not mail.outbox, f"{sweep.actor} {sweep.method} {path} ({got}) sent {[m.subject for m in mail.outbox]}"


def test_every_pattern_is_in_the_sweep_table():
    """A view added later cannot escape: every pattern needs an entry whose kwargs name exactly
    its parameters; an entry for a pattern that is gone is an error as well."""
    patterns = url_patterns()
    problems = [f"unnamed pattern {p.route}" for p in patterns if p.name is None]
    names = {p.name for p in patterns}
    for pattern in patterns:
        if pattern.name not in SWEEP:
            problems.append(f"{pattern.name} ({pattern.route}): no entry in SWEEP")
            continue
        for case in variants(pattern.name):
            if set(case.kwargs) != set(pattern.params):
                problems.append(f"{pattern.name}{case.label and f'[{case.label}]'}: kwargs {sorted(case.kwargs)} "
                                f"≠ parameters {sorted(pattern.params)}")
            if case.needs not in (ANY, PAYMENTS, DEADLINES, PUBLIC, WAIVER) and case.needs not in Capability.values:
                problems.append(f"{pattern.name}: unknown capability {case.needs!r}")
            if pattern.params and case.needs != PUBLIC and not any(allowed(case, a) for a in ROLES):
                problems.append(f"{pattern.name}: nobody may use it, so no control request checks its kwargs")
    problems += [f"{name}: in SWEEP but not in the URL conf" for name in SWEEP if name not in names]
    assert not problems, "\n".join(problems)


def test_the_sweep_covers_every_pattern_with_both_methods_and_every_actor():
    patterns = url_patterns()
    assert len(patterns) >= len(SWEEP) > 50
    assert {p.name for p in patterns} == {s.pattern.name for s in SWEEPS}
    for pattern in patterns:
        mine = [s for s in SWEEPS if s.pattern == pattern]
        assert {s.method for s in mine} == set(METHODS), pattern.name
        assert ANONYMOUS in {s.actor for s in mine}, pattern.name

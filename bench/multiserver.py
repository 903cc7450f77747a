"""Benchmark: two gunicorn servers on one PostgreSQL database under a mixed load from loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_multi_bench .venv/bin/python bench/multiserver.py \
        [--mixed-seconds 40] [--page-seconds 8] [--page-clients 4] [--races 12] [--scale]

What it does, in order:
1. Prepares the database (PostgreSQL only; DATABASE_URL is required, so no other database is
   touched): migrates it and runs seed_demo if the demo is missing, then adds through the
   application's services, committed: four throwaway clerks and approvers (`bench-…`), awards
   with an issued Zuwendungsbescheid for four more bodies (so that six coordinators can call
   money), draft applications for the load to submit, and `--races` prepared payments for the
   approvers to release concurrently. A later run reuses the accounts and awards and adds six
   more drafts (while bodies without a 2026–2030 application remain) and prepared payments.
2. Starts two gunicorn servers (gunicorn 27, two sync workers each, its own command-line
   flags, no config file) on two loopback ports with production settings: DEBUG off, a freshly
   generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, cookies not `Secure` (plain http on
   loopback), TWO_FACTOR_REQUIRED=false (the bench signs in with the password alone), mails
   to memory. The application needs no broker for these pages (none is started).
3. Mixed load (`--mixed-seconds`): threads with their own sessions, each request to server A
   or B in turn: coordinators look at their pages and call money, submitters sign in and submit
   draft applications, clerks open the work queue and payment queue and prepare and book
   payments, and approver pairs release the SAME prepared payment through A and B at the same
   instant (a barrier). Every form is fetched first and its CSRF token parsed.
4. Capacity per page (`--page-seconds` each): `--page-clients` threads (half on each server)
   request one page only; gives req/s, p50 and p99. The heaviest page is the one with the
   lowest throughput; it must reach 30 % of the login page's.
5. Checks the database: every payment prepared, released and booked at most once (audit
   trail and row), released/paid rows carry both persons (four eyes), per award year the
   called sum stays within the awarded amount, and every raced payment was released once.
   Any violation, a 5xx answer or a traceback in a server log: exit status 1.
6. Where each page's time goes (`--cost-runs` each, after the servers have stopped): the page
   through Django's test client in this process, prepared as a worker is; the median time and,
   of it, the ORM's SQL compilation and the database's answers; for each page how much faster it
   would have to be for 30 % of the login page, and the most it could gain if everything but its
   SQL took no time (where that is less, its queries alone rule the target out).

A refusal the application is designed to give (a release of a payment that the other server
just released, a call over the callable amount) counts as "refused", not as an error.
"""

import argparse
import http.client
import logging
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    sys.exit("DATABASE_URL muss auf eine eigene PostgreSQL-Datenbank zeigen, z. B.\n"
             "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_multi_bench .venv/bin/python bench/multiserver.py")

# Production settings, shared by this process (set-up and checks) and both servers.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "wirfunding.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SESSION_COOKIE_SECURE": "false",  # plain http on loopback: a Secure cookie would never come back
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "TWO_FACTOR_REQUIRED": "false",  # the bench signs in with the password alone (see README)
    "DB_CONN_MAX_AGE": "60",  # persistent connections, as in production
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.sql.compiler import SQLCompiler  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from core import clock  # noqa: E402
from grants import demo  # noqa: E402
from grants.demo import notice_parts  # noqa: E402
from grants.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Award,
    Disbursement,
    EarlyStartConsent,
    FundingProgramme,
    Notice,
)
from grants.notifications import muted  # noqa: E402
from grants.selectors.payments import payment_year_rows  # noqa: E402
from grants.services.applications import application_create, application_submit  # noqa: E402
from grants.services.awards import application_approve  # noqa: E402
from grants.services.disbursements import disbursement_prepare, disbursement_request  # noqa: E402
from grants.services.early_start import early_start_consent_record  # noqa: E402
from grants.services.notices import notice_issue  # noqa: E402
from grants.services.plans import financing_plan_replace  # noqa: E402
from grants.services.reviews import application_recommend, application_start_review  # noqa: E402
from municipalities.models import Municipality  # noqa: E402
from ops.runtime import prepare_worker  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
PASSWORD = "bench-Mehrere-Server-2026"
GRANT = Decimal("120000.00")
AWARDED_BODIES = 4  # bodies that get a 2026–2030 award here, besides the demo's Bad Homburg and Hanau
DRAFT_BODIES = 6  # bodies whose coordinators submit a draft during the load
CALL = Decimal("7.50")  # each call of money during the load
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
D = Disbursement.Status


# -- Database set-up ---------------------------------------------------------------------------


def ensure_demo(*, scale: bool) -> None:
    call_command("migrate", verbosity=0)
    # The servers run with production settings: hashed static files from the manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    if not FundingProgramme.objects.filter(code=demo.CODE_2021).exists():
        print("seed_demo läuft (erster Lauf) …", flush=True)
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", "--force", stdout=devnull)  # a bench database, DEBUG is off here
    if scale:  # the 10,000 applications of issue 11, where the tree has the command
        if "seed_scale" not in get_commands():
            sys.exit("--scale: dieser Stand hat kein Kommando seed_scale.")
        from grants.demo.scale import CODE_PREFIX

        if not FundingProgramme.objects.filter(code__startswith=CODE_PREFIX).exists():  # once per database
            print("seed_scale läuft …", flush=True)
            call_command("seed_scale", "--force")  # a bench database, DEBUG is off here


def bench_user(username: str, role: str, body: Municipality | None = None) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": role, "municipality": body, "first_name": "Bench",
                                     "last_name": username, "email": f"{username}@example.org"})
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def draft_application(programme: FundingProgramme, body: Municipality, coordinator: User) -> Application:
    application = application_create(
        user=coordinator, programme=programme, title=f"WIR-Vielfaltszentrum {body.name}",
        purpose=demo.centre_purpose(body.name), period_start=programme.period_start,
        period_end=programme.period_end, contact_name=coordinator.get_full_name(),
        contact_email="bench@example.org")
    expenditures, financings = demo.balanced_plan(programme, programme.years, dict.fromkeys(programme.years, GRANT),
                                                  positions=Decimal("2.00"), further=False)
    financing_plan_replace(application=application, user=coordinator, expenditures=expenditures,
                           financings=financings)
    return application


def award_to(application: Application, *, clerk: User, approver: User) -> None:
    """Takes a bench application as far as an issued award notice, from wherever it stands."""
    programme = application.programme
    if application.status == ApplicationStatus.DRAFT:
        application_submit(application=application, user=application.created_by)
        application.refresh_from_db()
    if not EarlyStartConsent.objects.filter(application=application).exists():  # the period began in January
        early_start_consent_record(application=application, user=approver, consented_on=date(2026, 1, 5),
                                   consented_by=notice_parts.HMAIJS)
    if application.status == ApplicationStatus.SUBMITTED:
        application_start_review(application=application, user=clerk)
        application.refresh_from_db()
    if application.status == ApplicationStatus.IN_REVIEW:
        application_recommend(application=application, user=clerk, amounts=dict.fromkeys(programme.years, GRANT))
        application.refresh_from_db()
    if application.status == ApplicationStatus.RECOMMENDED:
        application_approve(application=application, user=approver)
        application.refresh_from_db()
    if not Notice.objects.filter(application=application, kind=Notice.Kind.AWARD).exists():
        notice_issue(application=application, kind=Notice.Kind.AWARD, user=approver, issued_on=date(2026, 11, 20))


@dataclass
class Cast:
    clerks: list[User]
    approvers: list[User]
    coordinators: list[tuple[User, Application, int]]  # calls money: user, application, budget year
    drafts: list[tuple[User, Application]]  # submits during the load


def prepare_database(*, scale: bool) -> Cast:
    ensure_demo(scale=scale)
    programme = FundingProgramme.objects.get(code=demo.CODE_2026)
    clerk, approver = User.objects.get(username="sachbearbeitung"), User.objects.get(username="bewilligung")
    clerks = [bench_user(f"bench-sachbearbeitung-{n}", Role.SACHBEARBEITUNG) for n in (1, 2)]
    approvers = [bench_user(f"bench-bewilligung-{n}", Role.BEWILLIGUNG) for n in (1, 2)]
    taken = Application.objects.filter(programme=programme).values("municipality")
    free = iter(Municipality.objects.exclude(pk__in=taken).order_by("name"))
    with clock.frozen_at(datetime(2026, 11, 20, 10, tzinfo=BERLIN)), muted():
        for number in range(1, AWARDED_BODIES + 1):
            with transaction.atomic():
                coordinator = User.objects.filter(username=f"bench-koordination-{number}").first()
                if coordinator is None:
                    body = next(free)
                    coordinator = bench_user(f"bench-koordination-{number}", Role.KOORDINATION, body)
                    draft_application(programme, body, coordinator)
                award_to(Application.objects.get(programme=programme, municipality=coordinator.municipality),
                         clerk=clerk, approver=approver)
    taken = Application.objects.filter(programme=programme).values("municipality")
    for body in Municipality.objects.exclude(pk__in=taken).order_by("name")[:DRAFT_BODIES]:
        coordinator = bench_user(f"bench-einreichung-{body.pk}", Role.KOORDINATION, body)
        draft_application(programme, body, coordinator)

    coordinators = []
    awards = Award.objects.filter(application__programme=programme, status=Award.Status.RUNNING).select_related(
        "application__municipality").order_by("application__municipality__name")
    for award in awards:
        year = next((row["award_year"].budget.year for row in payment_year_rows(award)
                     if row["callable"] and row["callable"] >= CALL * 50), None)
        user = User.objects.filter(role=Role.KOORDINATION, municipality=award.application.municipality,
                                   is_active=True).order_by("username").first()
        if year is not None and user is not None:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            coordinators.append((user, award.application, year))
    drafts = [(user, app) for user in User.objects.filter(username__startswith="bench-einreichung-")
              for app in Application.objects.filter(municipality=user.municipality, programme=programme,
                                                    status=ApplicationStatus.DRAFT)]
    return Cast(clerks, approvers, coordinators, drafts)


def top_up_prepared(cast: Cast, count: int) -> list[int]:
    """`count` payments requested by the coordinators and prepared by the first bench clerk,
    for the approver pairs to race on."""
    pks = []
    with muted():
        for index in range(count):
            user, application, year = cast.coordinators[index % len(cast.coordinators)]
            requested = disbursement_request(award=application.award, year=year, amount=CALL, user=user,
                                             stated_need="Benchmark: Personalausgaben des Monats")
            pks.append(disbursement_prepare(disbursement=requested, user=cast.clerks[0]).pk)
    return pks


# -- HTTP client ---------------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    seconds: float
    status: int
    refused: bool = False


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Session:
    """One person's browser: cookies (shared by both servers, as a browser on one host name
    would share them), the CSRF token of the last form, requests alternating between ports."""

    def __init__(self, ports: list[int], recorder: Recorder, name: str):
        self.ports, self.recorder, self.name = ports, recorder, name
        self.cookies: dict[str, str] = {}
        self.turn = 0

    def port(self) -> int:
        self.turn += 1
        return self.ports[self.turn % len(self.ports)]

    def request(self, page: str, method: str, path: str, data: dict | None = None, *,
                port: int | None = None) -> tuple[int, str, str]:
        """Status, body and Location; records the sample under `page`."""
        headers = {"Host": "127.0.0.1", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port(), timeout=120)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.recorder.add(Sample(page, time.perf_counter() - start, 0))
            return 0, "", ""
        finally:
            conn.close()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        refused = response.status == 200 and method == "POST" and "is-invalid" in text
        self.recorder.add(Sample(page, elapsed, response.status, refused))
        return response.status, text, response.getheader("Location") or ""

    def form(self, page: str, path: str) -> str:
        status, text, _location = self.request(page, "GET", path)
        match = CSRF.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"{self.name}: kein Formular auf {path} (HTTP {status})")
        return match.group(1)

    def post_and_follow(self, page: str, path: str, data: dict, after: str, *, port: int | None = None) -> str:
        """POST, then open the page it redirects to, as a browser does: "ok", "refused" (the
        page shows an error message, or the form comes back with errors) or "error"."""
        status, text, location = self.request(page, "POST", path, data, port=port)
        if status == 200 and "is-invalid" in text:
            return "refused"
        if status not in (301, 302, 303):
            return "error"
        status, text, _location = self.request(after, "GET", urlsplit(location).path + (
            "?" + urlsplit(location).query if urlsplit(location).query else ""), port=port)
        if status != 200:
            return "error"
        if "alert-danger" in text:
            with self.recorder.lock:  # the POST was answered correctly, with a refusal
                for sample in reversed(self.recorder.samples):
                    if sample.page == page:
                        sample.refused = True
                        break
            return "refused"
        return "ok"

    def login(self, username: str) -> None:
        token = self.form("Anmeldung (GET)", "/konto/login/")
        status, _text, location = self.request("Anmeldung (POST)", "POST", "/konto/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        if status != 302 or "/konto/login/" in location:
            raise RuntimeError(f"Anmeldung von {username} fehlgeschlagen (HTTP {status}, {location})")


# -- Load ---------------------------------------------------------------------------------------


@dataclass
class Outcomes:
    """What the approvers and clerks were told, per payment."""

    released: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    booked: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, table: dict[int, list[str]], pk: int, outcome: str) -> None:
        with self.lock:
            table[pk].append(outcome)


def first_pk(status: str, exclude: set[int]) -> int | None:
    pk = (Disbursement.objects.filter(status=status).exclude(pk__in=exclude).order_by("pk")
          .values_list("pk", flat=True).first())
    connection.close()  # each thread its own connection, closed after use
    return pk


def run_mixed(cast: Cast, ports: list[int], seconds: float, races: list[int]) -> tuple[Recorder, Outcomes]:
    recorder, outcomes = Recorder(), Outcomes()
    deadline = time.monotonic() + seconds
    errors: list[str] = []
    today = clock.today().strftime("%d.%m.%Y")

    def running() -> bool:
        return time.monotonic() < deadline

    def guarded(function: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                function()
            except Exception as error:  # noqa: BLE001 - reported below, the bench fails
                errors.append(f"{function.__name__}: {error}")
        return run

    def anonymous() -> None:
        session = Session(ports, recorder, "anonym")
        while running():
            session.request("Anmeldung (GET)", "GET", "/konto/login/")
            session.cookies.clear()

    def coordinator(user: User, application: Application, year: int) -> Callable[[], None]:
        def coordinator_calls_money() -> None:
            session = Session(ports, recorder, user.username)
            session.login(user.username)
            while running():
                session.request("Startseite", "GET", "/")
                session.request("Antragsliste", "GET", "/antraege/")
                session.request("Antrag (Detail)", "GET", f"/antraege/{application.pk}/")
                path = f"/antraege/{application.pk}/mittelabruf/"
                token = session.form("Mittelabruf (Formular)", path)
                session.post_and_follow("Mittelabruf (POST)", path, {
                    "csrfmiddlewaretoken": token, "year": str(year), "amount": f"{CALL}".replace(".", ","),
                    "stated_need": "Benchmark: Personalausgaben des Monats"}, "Antrag (Detail)")
        return coordinator_calls_money

    def submitter() -> None:
        for user, application in cast.drafts:
            if not running():
                return
            session = Session(ports, recorder, user.username)
            session.login(user.username)
            token = session.form("Antrag (Detail)", f"/antraege/{application.pk}/")
            session.post_and_follow("Antrag einreichen (POST)", f"/antraege/{application.pk}/einreichen/",
                                    {"csrfmiddlewaretoken": token, "answer": ""}, "Antrag (Detail)")

    def clerk(user: User, offset: int) -> Callable[[], None]:
        def clerk_prepares_and_books() -> None:
            session = Session(ports, recorder, user.username)
            session.login(user.username)
            session.turn = offset
            while running():
                session.request("Prüfung (Arbeitsvorrat)", "GET", "/pruefung/")
                session.request("Auszahlungen", "GET", "/auszahlungen/")
                pk = first_pk(D.REQUESTED, set())
                if pk is not None:
                    path = f"/auszahlungen/{pk}/vorbereiten/"
                    token = session.form("Auszahlung vorbereiten (Formular)", path)
                    session.post_and_follow("Auszahlung vorbereiten (POST)", path,
                                            {"csrfmiddlewaretoken": token}, "Auszahlungen")
                pk = first_pk(D.RELEASED, set())
                if pk is not None:
                    path = f"/auszahlungen/{pk}/buchen/"
                    token = session.form("Auszahlung buchen (Formular)", path)
                    outcome = session.post_and_follow("Auszahlung buchen (POST)", path, {
                        "csrfmiddlewaretoken": token, "paid_on": today, "payment_reference": f"BENCH-{pk}"},
                        "Auszahlungen")
                    outcomes.add(outcomes.booked, pk, outcome)
        return clerk_prepares_and_books

    def approver_pair() -> None:
        """Two approvers, one on each server, release the same prepared payment at once."""
        sessions = [Session(ports, recorder, user.username) for user in cast.approvers]
        for session, user in zip(sessions, cast.approvers, strict=True):
            session.login(user.username)
        queue = list(races)
        while running():
            pk = queue.pop(0) if queue else first_pk(D.PREPARED, set(outcomes.released))
            if pk is None:
                sessions[0].request("Bewilligung (Arbeitsvorrat)", "GET", "/bewilligung/")
                continue
            tokens = [session.form("Auszahlungen (vorbereitet)", "/auszahlungen/?status=vorbereitet")
                      for session in sessions]
            barrier = threading.Barrier(len(sessions))

            def release(session: Session, token: str, port: int, pk: int, barrier: threading.Barrier) -> None:
                barrier.wait(timeout=60)
                outcomes.add(outcomes.released, pk, session.post_and_follow(
                    "Auszahlung freigeben (POST)", f"/auszahlungen/{pk}/freigeben/",
                    {"csrfmiddlewaretoken": token, "next": "/auszahlungen/?status=vorbereitet"},
                    "Auszahlungen (vorbereitet)", port=port))

            racers = [threading.Thread(target=release, args=(session, token, port, pk, barrier))
                      for session, token, port in zip(sessions, tokens, ports, strict=True)]
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join()

    workers = [guarded(anonymous), guarded(submitter), guarded(approver_pair)]
    workers += [guarded(coordinator(*entry)) for entry in cast.coordinators]
    workers += [guarded(clerk(user, index)) for index, user in enumerate(cast.clerks)]
    threads = [threading.Thread(target=worker) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    if errors:
        raise SystemExit("Lastgenerator abgebrochen:\n  " + "\n  ".join(errors))
    return recorder, outcomes


def run_page(page: str, path: str, username: str | None, ports: list[int], clients: int, seconds: float) -> Recorder:
    """`clients` threads request `path` only, half of them on each server."""
    recorder = Recorder()
    sessions = []
    for index in range(clients):
        session = Session([ports[index % len(ports)]], recorder, username or "anonym")
        if username:
            session.login(username)
        sessions.append(session)
    recorder.samples.clear()  # the sign-ins are not part of the page's figures
    deadline = time.monotonic() + seconds

    def loop(session: Session) -> None:
        while time.monotonic() < deadline:
            session.request(page, "GET", path)
            if username is None:
                session.cookies.clear()

    threads = [threading.Thread(target=loop, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder


# -- Servers --------------------------------------------------------------------------------------


def start_servers(ports: list[int], logdir: Path) -> list[subprocess.Popen]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    servers = []
    for port in ports:
        log = open(logdir / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
        servers.append(subprocess.Popen(
            [str(gunicorn), "wirfunding.wsgi:application", "--config", os.devnull,
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
             "--timeout", "120", "--graceful-timeout", "10", "--error-logfile", "-"],
            cwd=ROOT, env={**os.environ, **SERVER_ENV}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True))
    deadline = time.monotonic() + 90
    for port in ports:
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/konto/login/", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or any(server.poll() is not None for server in servers):
                stop_servers(servers)
                raise SystemExit(f"gunicorn auf Port {port} ist nicht gestartet; siehe {logdir}")
            time.sleep(0.5)
    return servers


def stop_servers(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # its own process group: the master and its workers
    for server in servers:
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# -- Report and checks ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(title: str, recorder: Recorder, seconds: float) -> dict[str, float]:
    pages: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        pages[sample.page].append(sample)
    print(f"\n{title}")
    print(f"{'Seite':42} {'Anfr.':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'Fehler':>6} {'abgew.':>6} {'5xx':>4}")
    throughput = {}
    for page, samples in sorted(pages.items()):
        times = [s.seconds for s in samples]
        errors = sum(1 for s in samples if not (200 <= s.status < 400))
        server_errors = sum(1 for s in samples if s.status >= 500 or s.status == 0)
        refused = sum(1 for s in samples if s.refused)
        throughput[page] = len(samples) / seconds
        print(f"{page:42} {len(samples):6d} {throughput[page]:7.1f} {statistics.median(times) * 1000:8.0f} "
              f"{percentile(times, 0.99) * 1000:8.0f} {errors:6d} {refused:6d} {server_errors:4d}")
    return throughput


# -- Where a page's time goes ----------------------------------------------------------------------


@contextmanager
def sql_timers() -> Iterator[dict[str, float]]:
    """Seconds spent, while the block runs, turning querysets into SQL (the ORM's compiler, the
    outermost call of a query only) and waiting for the database (every cursor execute). Reset the
    two entries before each request."""
    spent = {"compile": 0.0, "execute": 0.0}
    depth = 0
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        nonlocal depth
        depth += 1
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth -= 1
            if depth == 0:
                spent["compile"] += time.perf_counter() - start

    def execute(run, sql, params, many, context):
        start = time.perf_counter()
        try:
            return run(sql, params, many, context)
        finally:
            spent["execute"] += time.perf_counter() - start

    SQLCompiler.as_sql = as_sql  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(execute):
            yield spent
    finally:
        SQLCompiler.as_sql = original  # type: ignore[method-assign]


@dataclass
class PageCost:
    total: float  # ms, median over the runs, in this process
    compile: float
    execute: float

    @property
    def sql(self) -> float:
        return self.compile + self.execute


def page_costs(pages: list[tuple[str, str, str | None]], runs: int) -> dict[str, PageCost]:
    """Each page through Django's test client in this process (the servers' settings, the process
    prepared as a worker), `runs` times after three warm-ups: the median time, and of it the ORM's
    SQL compilation and the database's answers."""
    prepare_worker()
    costs = {}
    # Each request still writes its JSON log line, as on the servers, but not into this report.
    with open(os.devnull, "w") as devnull:
        streams = [(handler, handler.setStream(devnull)) for handler in logging.getLogger().handlers
                   if isinstance(handler, logging.StreamHandler)]
        try:
            for name, path, username in pages:
                costs[name] = _page_cost(name, path, username, runs)
        finally:
            for handler, stream in streams:
                handler.setStream(stream)
    return costs


def _page_cost(name: str, path: str, username: str | None, runs: int) -> PageCost:
    client = Client(HTTP_HOST="127.0.0.1")
    if username:
        client.force_login(User.objects.get(username=username))
    for _warm_up in range(3):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{name}: {path} antwortete {status} im Testclient")
    totals, compiles, executes = [], [], []
    with sql_timers() as spent:
        for _run in range(runs):
            spent["compile"] = spent["execute"] = 0.0
            if not username:  # as the load generator: every anonymous request without cookies
                client.cookies.clear()
            start = time.perf_counter()
            client.get(path)
            totals.append(time.perf_counter() - start)
            compiles.append(spent["compile"])
            executes.append(spent["execute"])
    return PageCost(*(statistics.median(values) * 1000 for values in (totals, compiles, executes)))


def report_costs(costs: dict[str, PageCost], throughput: dict[str, float], login: str, ratio: float) -> None:
    """For each page: how much faster it would have to be to reach `ratio` of the login page's
    throughput, against the most it could gain if everything but its SQL (the ORM's compilation
    and the database's answers) took no time at all – on the favourable assumption that a
    page's throughput grows in proportion to its time in the application (the fixed costs of the
    WSGI server, of HTTP and of the load generator do not shrink, so the real gain is smaller).
    Where the second is below the first, the page cannot reach the target with the queries it runs."""
    print(f"\nWo die Zeit bleibt (Testclient in diesem Prozess, Median in ms). „nötig ×“: um so viel müsste die "
          f"Seite schneller werden für {ratio:.0%} der Anmeldeseite; „höchstens ×“: Gewinn, wenn alles außer SQL "
          f"nichts kostete")
    print(f"{'Seite':42} {'req/s':>7} {'nötig ×':>8} {'gesamt':>7} {'SQL-Übers.':>10} {'SQL-Ausf.':>9} "
          f"{'Rest':>6} {'höchstens ×':>11}")
    for name, cost in costs.items():
        if name == login or name not in throughput:
            print(f"{name:42} {throughput.get(name, 0):7.1f} {'–':>8} {cost.total:7.1f} {cost.compile:10.1f} "
                  f"{cost.execute:9.1f} {cost.total - cost.sql:6.1f} {'–':>11}")
            continue
        needed = ratio * throughput[login] / throughput[name]
        at_most = cost.total / cost.sql if cost.sql else float("inf")
        verdict = "  SQL allein zu viel" if needed > 1 and at_most < needed else ""
        print(f"{name:42} {throughput[name]:7.1f} {needed:8.2f} {cost.total:7.1f} {cost.compile:10.1f} "
              f"{cost.execute:9.1f} {cost.total - cost.sql:6.1f} {at_most:11.2f}{verdict}")


def server_errors(recorders: list[Recorder]) -> int:
    return sum(1 for r in recorders for s in r.samples if s.status >= 500 or s.status == 0)


def check_money(races: list[int], outcomes: Outcomes) -> list[str]:
    """Every payment moved at most once, by the audit trail and by its row; sums consistent."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT a.action, a.object_id, count(*) FROM audit_auditentry a
            JOIN django_content_type t ON t.id = a.content_type_id
            WHERE t.app_label = 'grants' AND t.model = 'disbursement'
              AND a.action IN ('grants.disbursement.prepared', 'grants.disbursement.released',
                               'grants.disbursement.paid')
            GROUP BY a.action, a.object_id HAVING count(*) > 1""")
        for action, pk, count in cursor.fetchall():
            problems.append(f"Auszahlung {pk}: {action} {count}-mal im Prüfpfad")
        cursor.execute("""
            SELECT d.status, count(*), coalesce(sum(d.amount), 0),
                   count(*) FILTER (WHERE d.status IN ('freigegeben', 'ausgezahlt')
                                    AND (d.released_by_id IS NULL OR d.released_by_id = d.prepared_by_id)),
                   count(*) FILTER (WHERE d.status IN ('freigegeben', 'ausgezahlt') AND NOT EXISTS (
                       SELECT 1 FROM audit_auditentry a JOIN django_content_type t ON t.id = a.content_type_id
                       WHERE t.app_label = 'grants' AND t.model = 'disbursement' AND a.object_id = d.id
                         AND a.action = 'grants.disbursement.released')),
                   count(*) FILTER (WHERE d.status = 'ausgezahlt' AND NOT EXISTS (
                       SELECT 1 FROM audit_auditentry a JOIN django_content_type t ON t.id = a.content_type_id
                       WHERE t.app_label = 'grants' AND t.model = 'disbursement' AND a.object_id = d.id
                         AND a.action = 'grants.disbursement.paid'))
            FROM grants_disbursement d GROUP BY d.status ORDER BY d.status""")
        print("\nAuszahlungen nach Status (Datenbank):")
        for status, count, total, four_eyes, unaudited_release, unaudited_paid in cursor.fetchall():
            print(f"  {status:16} {count:6d} Stück {total:>16} €")
            if four_eyes:
                problems.append(f"{four_eyes} Auszahlungen ({status}) ohne zweite Person freigegeben")
            if unaudited_release or unaudited_paid:
                problems.append(f"{unaudited_release + unaudited_paid} Auszahlungen ({status}) ohne Prüfpfad-Eintrag")
        cursor.execute("""
            SELECT y.id, y.amount, sum(d.amount) FROM grants_awardyear y
            JOIN grants_disbursement d ON d.award_year_id = y.id
            WHERE d.status IN ('angefordert', 'vorbereitet', 'freigegeben', 'ausgezahlt')
            GROUP BY y.id, y.amount HAVING sum(d.amount) > y.amount""")
        for year_id, awarded, called in cursor.fetchall():
            problems.append(f"Jahresbetrag {year_id}: {called} € abgerufen, aber nur {awarded} € bewilligt")
        cursor.execute("SELECT id, status FROM grants_disbursement WHERE id = ANY(%s)", [races])
        raced = dict(cursor.fetchall())
    tried = [pk for pk in races if pk in outcomes.released]
    for pk in tried:
        told = outcomes.released[pk]
        if told.count("ok") > 1:
            problems.append(f"Auszahlung {pk}: beiden Servern wurde die Freigabe bestätigt ({told})")
        if raced.get(pk) not in (D.RELEASED, D.PAID):
            problems.append(f"Auszahlung {pk}: nach der Freigabe im Status {raced.get(pk)}")
    for pk, told in outcomes.booked.items():
        if told.count("ok") > 1:
            problems.append(f"Auszahlung {pk}: zweimal als gebucht bestätigt ({told})")
    both = sum(1 for pk in tried if sorted(outcomes.released[pk]) == ["ok", "refused"])
    for pk, told in sorted(outcomes.released.items()):
        if sorted(told) != ["ok", "refused"]:
            print(f"  Auszahlung {pk}: den beiden Servern wurde {told} geantwortet")
    print(f"\nGleichzeitige Freigaben derselben Auszahlung über beide Server: {len(outcomes.released)} "
          f"Auszahlungen, davon {both} mit genau einer Bestätigung und einer Abweisung; vorbereitete Rennen: "
          f"{len(tried)}/{len(races)}")
    return problems


PAGES = [  # (name, path, user: None = anonymous, "coordinator", "clerk", "approver")
    ("Anmeldung (GET)", "/konto/login/", None),
    # A second baseline: the cheapest signed-in page (session, user, second factor, navigation,
    # no case data) – what every page of a signed-in person costs before its own work.
    ("Mein Konto (Grundlast angemeldet)", "/konto/", "coordinator"),
    ("Startseite (Koordination)", "/", "coordinator"),
    ("Antragsliste (Koordination)", "/antraege/", "coordinator"),
    ("Antrag (Detail)", "/antraege/{application}/", "coordinator"),
    ("Mittelabruf (Formular)", "/antraege/{application}/mittelabruf/", "coordinator"),
    ("Startseite (Sachbearbeitung)", "/", "clerk"),
    ("Prüfung (Arbeitsvorrat)", "/pruefung/", "clerk"),
    ("Auszahlungen", "/auszahlungen/", "clerk"),
    ("Fristen", "/fristen/", "clerk"),
    ("Verwendungsnachweise", "/verwendungsnachweise/", "clerk"),
    ("Rückforderungen", "/rueckforderungen/", "clerk"),
    ("Bewilligung (Arbeitsvorrat)", "/bewilligung/", "approver"),
    ("Programmübersicht", "/programm/", "approver"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mixed-seconds", type=float, default=40, help="Dauer der gemischten Last (40 s)")
    parser.add_argument("--page-seconds", type=float, default=8, help="Dauer je Seite in der Kapazitätsmessung (8 s)")
    parser.add_argument("--page-clients", type=int, default=4, help="gleichzeitige Clients je Seite (4)")
    parser.add_argument("--races", type=int, default=12, help="vorbereitete Auszahlungen für die Freigabe-Rennen (12)")
    parser.add_argument("--ports", type=int, nargs=2, default=[8611, 8612], help="die beiden Ports (8611 8612)")
    parser.add_argument("--scale", action="store_true",
                        help="vorher seed_scale ausführen (Massendaten; nur wo das Kommando existiert)")
    parser.add_argument("--min-ratio", type=float, default=0.30, help="Mindestanteil der schwersten Seite (0.30)")
    parser.add_argument("--cost-runs", type=int, default=30,
                        help="Läufe je Seite für die Aufteilung der Zeit im Testclient (30)")
    args = parser.parse_args()
    if not (1 <= args.mixed_seconds <= 600 and 1 <= args.page_seconds <= 120 and 1 <= args.page_clients <= 16
            and 0 <= args.races <= 200 and 3 <= args.cost_runs <= 500):
        sys.exit("Grenzen: --mixed-seconds 1–600, --page-seconds 1–120, --page-clients 1–16, --races 0–200, "
                 "--cost-runs 3–500")

    cast = prepare_database(scale=args.scale)
    if not cast.coordinators:
        sys.exit("Keine Zuwendung, aus der Mittel abgerufen werden können: Datenbank neu anlegen.")
    races = top_up_prepared(cast, args.races)
    connection.close()
    print(f"Datenbank: {connection.settings_dict['NAME']}; {len(cast.coordinators)} Koordinationen rufen Mittel "
          f"ab, {len(cast.drafts)} Entwürfe zum Einreichen, {len(races)} vorbereitete Auszahlungen für die Rennen; "
          f"TWO_FACTOR_REQUIRED=false", flush=True)

    logdir = Path(tempfile.mkdtemp(prefix="wirfunding-multiserver-"))
    servers = start_servers(args.ports, logdir)
    try:
        mixed, outcomes = run_mixed(cast, args.ports, args.mixed_seconds, races)
        report(f"Gemischte Last, {args.mixed_seconds:.0f} s, beide Server", mixed, args.mixed_seconds)
        users = {"coordinator": cast.coordinators[0][0].username, "clerk": cast.clerks[0].username,
                 "approver": cast.approvers[0].username}
        capacity = Recorder()
        for name, path, role in PAGES:
            page = run_page(name, path.format(application=cast.coordinators[0][1].pk),
                            users[role] if role else None, args.ports, args.page_clients, args.page_seconds)
            capacity.samples.extend(page.samples)
        throughput = report(f"Kapazität je Seite: {args.page_clients} Clients, je {args.page_seconds:.0f} s",
                            capacity, args.page_seconds)
    finally:
        stop_servers(servers)

    problems = check_money(races, outcomes)
    pages = [(name, path.format(application=cast.coordinators[0][1].pk), users[role] if role else None)
             for name, path, role in PAGES]
    report_costs(page_costs(pages, args.cost_runs), throughput, "Anmeldung (GET)", args.min_ratio)
    login = throughput["Anmeldung (GET)"]
    bare = throughput["Mein Konto (Grundlast angemeldet)"]
    heaviest = min((p for p in throughput if p != "Anmeldung (GET)"), key=throughput.__getitem__)
    ratio = throughput[heaviest] / login
    print(f"\nSchwerste Seite: {heaviest}, {throughput[heaviest]:.1f} req/s = {ratio:.0%} der Anmeldeseite "
          f"({login:.1f} req/s); gefordert ≥ {args.min_ratio:.0%}")
    print(f"Grundlast angemeldet (Mein Konto): {bare:.1f} req/s = {bare / login:.0%} der Anmeldeseite; "
          f"schwerste Seite = {throughput[heaviest] / bare:.0%} davon")
    fivexx = server_errors([mixed, capacity])
    tracebacks = sum(path.read_text(errors="replace").count("Traceback") for path in logdir.glob("*.log"))
    print(f"5xx/Verbindungsfehler: {fivexx}; Tracebacks in den Server-Logs ({logdir}): {tracebacks}")
    if fivexx or tracebacks:
        problems.append(f"{fivexx} Antworten 5xx/ohne Antwort, {tracebacks} Tracebacks")
    if ratio < args.min_ratio:
        print(f"HINWEIS: {heaviest} liegt unter {args.min_ratio:.0%} der Anmeldeseite (siehe bench/README.md).")
    if problems:
        print("\nVERLETZT:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("\nGeld nur einmal bewegt, keine 5xx: in Ordnung.")


if __name__ == "__main__":
    main()

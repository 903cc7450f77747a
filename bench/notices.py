"""Benchmark: rendering a notice, the handover bundle for all 33 bodies, serving an issued notice.

    DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/notices.py [--runs 5]

Works on a database of its own (DATABASE_URL must be set, so the development database is
never touched): migrates it and runs seed_demo if the demo is missing (first run only).
Everything the benchmark adds happens in one transaction that is rolled back at the end,
so the database stays as seed_demo left it and every run measures the same thing.

The 33-body ceremony: the demo has 21 award notices (2021–2025). The other 12 bodies get
an award notice in the 2026–2030 period through the same services the application uses
(the Hochtaunuskreis's submitted demo application is reviewed, recommended and approved;
the 11 others are created by a throwaway coordinator each). A throwaway ceremony gets all
33 notices attached, then the bundle is built from it.

Figures: median, minimum and maximum over the runs of
  (a) render_notice_pdf of the Werra-Meißner-Kreis's notice from its stored snapshot;
  (b) ceremony_bundle_pdf for the 33 notices, and on its own the one render of the 33
      presentation pages inside it;
  (c) serving the issued notice: ORM read of the stored bytes + HttpResponse, and, where
      grants:notice_download exists, the full view through the test client;
with the baselines 33 × (a) (what re-rendering every notice would cost) and (a) itself.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypedDict, TypeVar, cast
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")

if not os.environ.get("DATABASE_URL"):
    sys.exit("DATABASE_URL fehlt: der Benchmark braucht eine eigene Datenbank, z. B.\n"
             "  DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/notices.py")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils.http import content_disposition_header  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from core import clock  # noqa: E402
from grants import demo  # noqa: E402
from grants.demo import notice_parts  # noqa: E402
from grants.models import Application, ApplicationStatus, FundingProgramme, HandoverCeremony, Notice  # noqa: E402
from grants.notices import render  # noqa: E402
from grants.notices.ceremony import ceremony_bundle_pdf, ceremony_presentation_pdf  # noqa: E402
from grants.notifications import muted  # noqa: E402
from grants.services.applications import application_create, application_submit  # noqa: E402
from grants.services.awards import application_approve  # noqa: E402
from grants.services.early_start import early_start_consent_record  # noqa: E402
from grants.services.notices import notice_attach_ceremony, notice_issue  # noqa: E402
from grants.services.plans import financing_plan_replace  # noqa: E402
from grants.services.reviews import application_recommend, application_start_review  # noqa: E402
from municipalities.models import Municipality  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
T = TypeVar("T")
GRANT_2026 = Decimal("120000.00")  # a year; the demo's Hochtaunuskreis application asks the same


class Rollback(Exception):
    pass


class Extra(TypedDict, total=False):
    """The figures printed below the table."""

    single: tuple[int, int]  # pages, bytes
    setup: float  # seconds
    bundle: tuple[int, int, int]  # notices, pages, bytes
    serve_orm: float  # median seconds
    serve_view: float  # median seconds


def timed(function: Callable[[], T], runs: int) -> tuple[list[float], T]:
    times: list[float] = []
    result: T | None = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, cast(T, result)  # the last run's result (None only for no run at all)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms" if seconds < 10 else f"{seconds:9.2f} s "


def ensure_demo() -> float:
    call_command("migrate", verbosity=0)
    if FundingProgramme.objects.filter(code=demo.CODE_2021).exists():
        return 0.0
    start = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    return time.perf_counter() - start


def award_notices_for_the_other_bodies() -> list[Notice]:
    """An award notice 2026–2030 for each of the 12 bodies without a 2021–2025 notice."""
    programme = FundingProgramme.objects.get(code=demo.CODE_2026)
    clerk = User.objects.get(username="sachbearbeitung")
    approver = User.objects.get(username="bewilligung")
    with_notice = Notice.objects.filter(application__programme__code=demo.CODE_2021).values(
        "application__municipality")
    bodies = Municipality.objects.exclude(pk__in=with_notice).order_by("name")
    grants = dict.fromkeys(programme.years, GRANT_2026)
    notices = []
    with clock.frozen_at(datetime(2026, 11, 20, 10, tzinfo=BERLIN)), muted():
        for index, body in enumerate(bodies):
            application = Application.objects.filter(programme=programme, municipality=body).first()
            if application is None:
                coordinator = User.objects.create(username=f"bench-koordination-{index}", role=Role.KOORDINATION,
                                                  municipality=body, first_name="Bench", last_name=body.name)
                application = application_create(
                    user=coordinator, programme=programme, title=f"WIR-Vielfaltszentrum {body.name}",
                    purpose=demo.centre_purpose(body.name), period_start=programme.period_start,
                    period_end=programme.period_end, contact_name=coordinator.get_full_name(),
                    contact_email="bench@example.org")
                expenditures, financings = demo.balanced_plan(programme, programme.years, grants,
                                                      positions=Decimal("2.00"), further=False)
                financing_plan_replace(application=application, user=coordinator, expenditures=expenditures,
                                       financings=financings)
                application_submit(application=application, user=coordinator)
            application.refresh_from_db()
            issued = Notice.objects.filter(application=application, kind=Notice.Kind.AWARD).first()
            if issued is not None:  # the demo's 2026–2030 awards (Bad Homburg, Hanau) have theirs
                notices.append(issued)
                continue
            if application.status == ApplicationStatus.SUBMITTED:
                application_start_review(application=application, user=clerk)
            application_recommend(application=application, user=clerk, amounts=grants)
            application_approve(application=application, user=approver)
            # The period began on 01.01.2026, before the notice: only with a recorded early-start consent.
            early_start_consent_record(application=application, user=approver, consented_on=date(2026, 1, 5),
                                       consented_by=notice_parts.HMAIJS)
            notices.append(notice_issue(application=application, kind=Notice.Kind.AWARD, user=approver,
                                        issued_on=date(2026, 11, 20)))
    return notices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Läufe je Messung für Rendern und Mappe (5)")
    parser.add_argument("--serve-runs", type=int, default=50, help="Läufe je Messung für das Ausliefern (50)")
    args = parser.parse_args()

    seeded = ensure_demo()
    setup_test_environment()  # test client host, e-mails kept in memory
    rows: list[tuple[str, int, list[float]]] = []
    notes: list[str] = []
    extra: Extra = {}

    try:
        with transaction.atomic():
            wmk = Notice.objects.select_related("application__municipality").get(
                kind=Notice.Kind.AWARD, application__programme__code=demo.CODE_2021,
                application__municipality__name=demo.WMK)

            # (a) one notice rendered from its snapshot
            single, pdf = timed(lambda: render.render_notice_pdf(wmk.snapshot), args.runs)
            rows.append((f"(a) Bescheid {wmk.number} rendern", args.runs, single))
            extra["single"] = (len(PdfReader(io.BytesIO(pdf)).pages), len(pdf))

            # (b) the bundle for a ceremony of all 33 bodies
            if hasattr(render, "render_presentation_pdf"):
                setup_start = time.perf_counter()
                added = award_notices_for_the_other_bodies()
                ceremony = HandoverCeremony.objects.create(
                    date=date(2026, 12, 3), place="Wiesbaden", official_title="Staatssekretärin",
                    official_name="N. N.", note="Benchmark (wird zurückgerollt)")
                approver = User.objects.get(username="bewilligung")
                demo_notices = Notice.objects.filter(kind=Notice.Kind.AWARD,
                                                     application__programme__code=demo.CODE_2021)
                for notice in [*demo_notices, *added]:
                    notice_attach_ceremony(notice=notice, ceremony=ceremony, user=approver)
                count = ceremony.notices.count()
                extra["setup"] = time.perf_counter() - setup_start
                presentation, _ = timed(lambda: ceremony_presentation_pdf(ceremony), args.runs)
                bundle_times, bundle = timed(lambda: ceremony_bundle_pdf(ceremony), args.runs)
                rows.append((f"(b) Übergabemappe, {count} Bescheide", args.runs, bundle_times))
                rows.append((f"    davon {count} Übergabeexemplare (1× rendern)", args.runs, presentation))
                extra["bundle"] = (count, len(PdfReader(io.BytesIO(bundle)).pages), len(bundle))
            else:
                notes.append("(b) übersprungen: grants.notices.render hat noch kein render_presentation_pdf.")

            # (c) serving an issued notice
            def orm_and_response():
                stored = Notice.objects.only("number", "pdf", "sha256").get(pk=wmk.pk)
                response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
                response["Content-Disposition"] = content_disposition_header(True, f"{stored.number}.pdf")
                response["ETag"] = f'"{stored.sha256}"'
                return response

            serve_orm, response = timed(orm_and_response, args.serve_runs)
            assert response.content == bytes(wmk.pdf)
            rows.append(("(c) Ausliefern: ORM lesen + HttpResponse", args.serve_runs, serve_orm))
            try:
                url = reverse("grants:notice_download", kwargs={"pk": wmk.pk})
            except NoReverseMatch:
                url = None
                notes.append("(c) View grants:notice_download gibt es noch nicht; nur ORM + HttpResponse gemessen.")
            if url:
                client = Client()
                client.force_login(User.objects.get(username="koordination-wmk"))
                serve_view, response = timed(lambda: client.get(url), args.serve_runs)
                assert response.status_code == 200 and response.content == bytes(wmk.pdf), response.status_code
                rows.append(("(c) Ausliefern: View notice_download", args.serve_runs, serve_view))
                extra["serve_view"] = statistics.median(serve_view)
            extra["serve_orm"] = statistics.median(serve_orm)
            raise Rollback
    except Rollback:
        pass

    print(f"Datenbank: {connection.vendor} {connection.settings_dict['NAME']}"
          + (f" (seed_demo eben ausgeführt: {seeded:.1f} s)" if seeded else ""))
    print(f"Renderer: render_presentation_pdf {'vorhanden' if hasattr(render, 'render_presentation_pdf') else 'fehlt'}")
    if "setup" in extra:
        print(f"Aufbau der 33er-Übergabe (12 weitere Bescheide erlassen, 33 zuordnen): {extra['setup']:.1f} s"
              " – nicht gemessen, zurückgerollt")
    print()
    header = f"{'Messung':<48} {'Läufe':>5} {'Median':>12} {'Min':>12} {'Max':>12}"
    print(header)
    print("-" * len(header))
    for label, runs, times in rows:
        print(f"{label:<48} {runs:>5} {fmt(statistics.median(times)):>12} {fmt(min(times)):>12} "
              f"{fmt(max(times)):>12}")
    print()
    single_median = statistics.median(rows[0][2])
    print(f"Einzelbescheid: {extra['single'][0]} Seiten, {extra['single'][1] / 1000:.0f} kB")
    if "bundle" in extra:
        count, pages, size = extra["bundle"]
        bundle_median = statistics.median(rows[1][2])
        print(f"Mappe: {pages} Seiten, {size / 1_000_000:.1f} MB")
        print(f"Vergleich Mappe / ({count} × Einzelbescheid rendern = {fmt(count * single_median).strip()}): "
              f"{bundle_median / (count * single_median):.2f}")
    print(f"Vergleich Ausliefern (ORM) / Rendern: {extra['serve_orm'] / single_median:.4f}")
    if "serve_view" in extra:
        print(f"Vergleich Ausliefern (View) / Rendern: {extra['serve_view'] / single_median:.4f}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()

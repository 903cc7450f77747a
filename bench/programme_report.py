"""Benchmark: the programme report (figures, tables, chart, XLSX) as the awards grow.

    DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/programme_report.py [--runs 7]

Works on a database of its own (DATABASE_URL must be set): migrates it and runs seed_demo if
the demo is missing. The 2021–2025 period of the demo (21 awards with 210 payments, 105 proofs,
three reclaims) is the baseline. Then, in a transaction that is rolled back at the end, the
same awards are copied nine times over with all their years, payments, proofs, reclaims (as
proposals: a notice belongs to one reclaim) and repayments (10 × the demo: 210 awards, 2,100 payments)
and measured again. The copies'
applications are stored withdrawn (one live application per body and period is a database
constraint); the report reads awards, not application states.

Figures: median, minimum and maximum over the runs, and the number of SQL queries, of
  (a) programme_figures (the aggregation in the database);
  (b) the whole report page through the test client (figures, both tables, chart);
  (c) the XLSX with both sheets;
for the demo and for ten times the demo, with the ratio 10× / 1×.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")

if not os.environ.get("DATABASE_URL"):
    sys.exit("DATABASE_URL fehlt: der Benchmark braucht eine eigene Datenbank, z. B.\n"
             "  DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/programme_report.py")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from core import clock  # noqa: E402
from grants import demo  # noqa: E402
from grants.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Award,
    AwardYear,
    Decision,
    Disbursement,
    FundingProgramme,
    Reclaim,
    ReclaimRepayment,
    Recommendation,
    UsageReport,
)
from grants.selectors import report  # noqa: E402


class Rollback(Exception):
    pass


def timed(function, runs: int) -> tuple[list[float], int]:
    """Seconds of each run, and the queries of the last one."""
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return times, len(queries)


def copy_awards(programme: FundingProgramme, times: int) -> int:
    """Copy every award of the programme `times` times, with what hangs off it."""
    awards = list(Award.objects.filter(application__programme=programme).select_related("application", "decision"))
    copies = 0
    for round_ in range(times):
        for award in awards:
            application = Application.objects.get(pk=award.application_id)
            application.pk = None
            application.file_reference = f"{application.file_reference}-K{round_}"
            # Stored withdrawn: one live application per body and period is a constraint; the
            # report reads awards, years, payments, proofs and reclaims, not application states.
            application.status = ApplicationStatus.WITHDRAWN
            application.save()
            recommendation = Recommendation.objects.filter(application_id=award.application_id).first()
            assert recommendation is not None  # an award was recommended before it was approved
            recommendation.pk = None
            recommendation.application = application
            recommendation.save()
            decision = Decision.objects.get(pk=award.decision_id)
            decision.pk, decision.application, decision.recommendation = None, application, recommendation
            decision.save()
            copy = Award.objects.get(pk=award.pk)
            copy.pk, copy.application, copy.decision = None, application, decision
            copy.save()
            years = {}
            for year in AwardYear.objects.filter(award=award):
                original = year.pk
                year.pk, year.award = None, copy
                year.save()
                years[original] = year
            for disbursement in Disbursement.objects.filter(award_year__award=award):
                disbursement.pk, disbursement.export = None, None
                disbursement.award_year = years[disbursement.award_year_id]
                disbursement.save()
            for proof in UsageReport.objects.filter(award=award):
                proof.pk, proof.award = None, copy
                proof.save()
            for reclaim in Reclaim.objects.filter(award=award):
                repayments = list(ReclaimRepayment.objects.filter(reclaim=reclaim))
                reclaim.pk, reclaim.award, reclaim.award_year = None, copy, years[reclaim.award_year_id]
                # A notice belongs to one reclaim: the copies are proposals (read by the same query).
                reclaim.usage_report, reclaim.notice, reclaim.due_on = None, None, None
                reclaim.status, reclaim.decided_by, reclaim.decided_at = Reclaim.Status.PROPOSED, None, None
                reclaim.save()
                for repayment in repayments:
                    repayment.pk, repayment.reclaim = None, reclaim
                    repayment.save()
            copies += 1
    return copies


def measure(programme, client, runs: int) -> dict:
    today = clock.today()
    url = reverse("grants:programme_report") + f"?programm={programme.code}"
    xlsx = reverse("grants:programme_report_export", args=["xlsx"]) + f"?programm={programme.code}"
    figures = timed(lambda: report.programme_figures(programme, today=today), runs)
    page = timed(lambda: client.get(url), runs)
    workbook = timed(lambda: client.get(xlsx), runs)
    assert client.get(url).status_code == 200 and client.get(xlsx).status_code == 200
    return {"figures": figures, "page": page, "xlsx": workbook}


def line(label: str, result: tuple[list[float], int], base: tuple[list[float], int] | None = None) -> str:
    times, queries = result
    median = statistics.median(times)
    text = (f"{label:<44} median {median * 1000:8.1f} ms  (min {min(times) * 1000:7.1f}, "
            f"max {max(times) * 1000:7.1f})  {queries:3d} Abfragen")
    if base is not None:
        text += f"  ×{median / statistics.median(base[0]):.2f} gegenüber 1×"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not FundingProgramme.objects.filter(code=demo.CODE_2021).exists():
        call_command("seed_demo", verbosity=0)
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="sachbearbeitung"))
    programme = FundingProgramme.objects.get(code=demo.CODE_2021)
    try:
        with transaction.atomic():
            base = measure(programme, client, args.runs)
            copies = copy_awards(programme, 9)
            grown = measure(programme, client, args.runs)
            awards = Award.objects.filter(application__programme=programme).count()
            payments = Disbursement.objects.filter(award_year__award__application__programme=programme).count()
            raise Rollback
    except Rollback:
        pass
    print(f"Programmbericht {programme}: 1× = Demo (21 Zuwendungen), 10× = {awards} Zuwendungen, "
          f"{payments} Auszahlungen ({copies} Kopien), {args.runs} Läufe")
    for key, label in (("figures", "Zahlen (programme_figures)"), ("page", "Seite /programm/bericht/"),
                       ("xlsx", "XLSX mit beiden Tabellen")):
        print(line(f"{label}, 1×", base[key]))
        print(line(f"{label}, 10×", grown[key], base[key]))


if __name__ == "__main__":
    main()

"""Benchmark: every list page, the application detail page and the admin at 10,000 applications.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_scale_bench \\
        .venv/bin/python manage.py seed_scale            # once, a few minutes
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_scale_bench \\
        .venv/bin/python bench/scale.py [--runs 15] [--only arbeitsvorrat,fristen]

Needs a database of its own filled by `seed_scale` (DATABASE_URL is required). Reads only.

For each page, through Django's test client signed in as the person who works with it:
- the median time of the page over `--runs` runs (after one warm-up), its SQL queries and bytes;
- the raw-SQL floor: the median of the fastest hand-written SQL that returns the same rows as the
  page's first page (with the total the pager needs, as `count(*) OVER ()`), fetched with a
  plain cursor – what the page cannot beat;
- the Django admin's changelist of the same model, signed in as the superuser, median time.
- the bare signed-in page of the same person ("Mein Konto", column "Grund"): what any signed-in
  page costs before it does work of its own (session, user, second factor, navigation, frame).
The four are measured interleaved, run by run (after one warm-up each), so that a busy
machine slows all alike. Printed: the medians, page ÷ floor, page ÷ admin and, net of the bare
page, (page − bare) ÷ floor: the page's own work against the SQL of its rows.
Targets (issue 11): each list ≤ 2 × its floor and not slower than the admin; the detail page
≤ 15 queries with any history.

Measured as a server runs them: without the test environment's template instrumentation, and
with DEBUG off after start-up (the settings need DEBUG=true to start without a
production SECRET_KEY; the script switches it off so that no query log slows the pages), and
with the process prepared as wirfunding/wsgi.py prepares a server's worker (URL resolver and
templates built, then frozen out of the garbage collector's walks: ops/runtime.py).
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")
# The pages are measured, not the sign-in: the test client's session has no verified second
# factor, so the ministry's pages would redirect to it (the check itself stays in the measurement).
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")

if not os.environ.get("DATABASE_URL"):
    sys.exit("DATABASE_URL fehlt: der Benchmark braucht die Datenbank von seed_scale, z. B.\n"
             "  DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_scale_bench "
             ".venv/bin/python bench/scale.py")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from audit.models import AuditEntry  # noqa: E402
from grants.demo.scale import CODE_PREFIX  # noqa: E402
from grants.models import Application, FundingProgramme  # noqa: E402
from ops.runtime import prepare_worker  # noqa: E402

# The bare signed-in page of the same person ("Mein Konto"): session, user, second factor,
# navigation and the page frame, no work of its own – what every signed-in page costs first.
BARE_URL = "/konto/"

PAGE = 25  # the page size of the application lists and payments; proofs and reclaims page by 50


@dataclass
class Page:
    key: str
    label: str
    user: str  # "clerk", "approver", "coordinator" or "admin"
    url: str
    floor: str | tuple[str, ...] | None  # SQL returning the first page's rows (one query per table on the page)
    admin: str | None  # the admin changelist of the same model
    params: tuple = ()


# From a row with an award year (payment, reclaim) to its budget, award, application and body.
_YEAR_TO_BODY = """
                   JOIN grants_awardyear y ON y.id = {row}.award_year_id
                   JOIN grants_budget b ON b.id = y.budget_id
                   JOIN grants_award w ON w.id = y.award_id
                   JOIN grants_application a ON a.id = w.application_id
                   JOIN municipalities_municipality m ON m.id = a.municipality_id"""


# The start page's to-do of the ministry: per kind of work (table, path from it to the award or
# application, condition, the date it is ordered by) the five oldest rows with what an item shows,
# and how many there are.
_TODO_TABLES = {
    "application": ("grants_application t", "t"),
    "disbursement": ("grants_disbursement t JOIN grants_awardyear y ON y.id = t.award_year_id "
                     "JOIN grants_award w ON w.id = y.award_id", "w"),
    "usagereport": ("grants_usagereport t JOIN grants_award w ON w.id = t.award_id", "w"),
    "amendmentrequest": ("grants_amendmentrequest t JOIN grants_award w ON w.id = t.award_id", "w"),
    "reclaim": ("grants_reclaim t JOIN grants_award w ON w.id = t.award_id", "w"),
}
_CLERK_TODO = [
    ("application", "t.status = 'eingereicht'", "t.submitted_at"),
    ("application", "t.status = 'in_pruefung'", "t.submitted_at"),
    ("disbursement", "t.status = 'angefordert' AND w.status = 'laufend'", "t.requested_at"),
    ("usagereport", "t.status = 'eingereicht' AND w.status = 'laufend'", "t.submitted_at"),
    ("amendmentrequest", "t.status = 'eingereicht' AND w.status = 'laufend'", "t.submitted_at"),
    ("reclaim", "t.status = 'vorgeschlagen' AND NOT EXISTS (SELECT 1 FROM grants_reclaimhearing h "
                "WHERE h.reclaim_id = t.id)", "t.proposed_at"),
    ("disbursement", "t.status = 'freigegeben' AND w.status = 'laufend'", "t.released_at"),
    ("reclaim", "t.status = 'festgesetzt' AND t.due_on < current_date AND w.status = 'laufend'", "t.due_on"),
]
_SIGNING_TODO = [
    ("application", "t.status = 'empfohlen'", "t.submitted_at"),
    ("application", "t.status = 'bewilligt' AND NOT EXISTS (SELECT 1 FROM grants_notice n "
                    "WHERE n.application_id = t.id AND n.kind = 'zuwendung')", "t.submitted_at"),
    ("disbursement", "t.status = 'vorbereitet' AND w.status = 'laufend'", "t.prepared_at"),
    ("amendmentrequest", "t.status = 'empfohlen' AND w.status = 'laufend'", "t.recommended_at"),
    ("reclaim", "t.status = 'vorgeschlagen' AND w.status = 'laufend'", "t.proposed_at"),
]


def _todo_floor(kinds: list[tuple[str, str, str]]) -> tuple[str, ...]:
    statements = []
    for table, where, order in kinds:
        source, owner = _TODO_TABLES[table]
        application = "t" if owner == "t" else "a"
        join = "" if owner == "t" else f" JOIN grants_application a ON a.id = {owner}.application_id"
        statements.append(f"""
            SELECT t.id, {order}, {application}.file_reference, {application}.title, m.name, count(*) OVER () AS total
              FROM {source}{join}
              JOIN municipalities_municipality m ON m.id = {application}.municipality_id
             WHERE {where}
             ORDER BY {order}, t.id LIMIT 5""")
    return tuple(statements)


def _pages(coordinator_body: int, detail_pk: int) -> list[Page]:
    needs_work = "('eingereicht', 'in_pruefung')"
    # Each floor is the fastest plain SQL for the rows: the page's keys are sorted and cut on the
    # list's own table (with the total), then joined for the page only – as the pages do.
    application_rows = f"""
        WITH k AS (SELECT a.id, a.file_reference, a.status, a.submitted_at, a.municipality_id, a.programme_id,
                          count(*) OVER () AS total
                     FROM grants_application a
                    WHERE {{where}}
                    ORDER BY {{order}} LIMIT {PAGE})
        SELECT k.*, m.name, p.name, p.period_start,
               (SELECT coalesce(sum(f.amount), 0) FROM grants_planfinancing f
                 WHERE f.application_id = k.id AND f.source = 'zuwendung') AS requested
          FROM k
          JOIN municipalities_municipality m ON m.id = k.municipality_id
          JOIN grants_fundingprogramme p ON p.id = k.programme_id
         ORDER BY k.submitted_at, k.id"""
    return [
        Page("arbeitsvorrat", "Arbeitsvorrat (offen)", "clerk", "/pruefung/",
             application_rows.format(where=f"a.status IN {needs_work}", order="a.submitted_at, a.id"),
             "/admin/grants/application/?status__exact=eingereicht"),
        Page("antraege-ministerium", "Anträge, Ministerium (alle)", "clerk", "/pruefung/?status=alle",
             application_rows.format(where="a.status <> 'entwurf'", order="a.submitted_at, a.id"),
             "/admin/grants/application/"),
        Page("fristen", "Fristen", "clerk", "/fristen/", (
            # the deadlines: every running award with its programme's rules, their budget years and
            # proofs of use (the page computes, sorts and counts the deadlines of all of them) ...
            """SELECT w.id, a.file_reference, m.name, p.interim_report_month, p.interim_report_day,
                      p.final_report_months, w.period_start, w.period_end
                 FROM grants_award w
                 JOIN grants_application a ON a.id = w.application_id
                 JOIN municipalities_municipality m ON m.id = a.municipality_id
                 JOIN grants_fundingprogramme p ON p.id = a.programme_id
                WHERE w.status = 'laufend'""",
            """SELECT y.award_id, b.year FROM grants_awardyear y
                 JOIN grants_budget b ON b.id = y.budget_id JOIN grants_award w ON w.id = y.award_id
                WHERE w.status = 'laufend'""",
            """SELECT r.award_id, r.kind, r.year, r.status FROM grants_usagereport r
                 JOIN grants_award w ON w.id = r.award_id WHERE w.status = 'laufend'""",
            # the payment dates of fixed reclaims (first page, with what the notice says is due
            # and the repayments) ...
            f"""SELECT c.id, c.principal, c.interest_from, c.interest_waived, c.due_on, a.id, a.file_reference,
                       m.name, n.number, n.snapshot -> 'reclaim' ->> 'total_due',
                       (SELECT array_agg(x.received_on || ':' || x.amount) FROM grants_reclaimrepayment x
                         WHERE x.reclaim_id = c.id),
                       count(*) OVER () AS total
                  FROM grants_reclaim c {_YEAR_TO_BODY.format(row="c")}
                  JOIN grants_notice n ON n.id = c.notice_id
                 WHERE c.status = 'festgesetzt' AND w.status = 'laufend'
                 ORDER BY c.due_on, m.name, c.id LIMIT {PAGE}""",
            # ... and the one-year deadlines of proposed reclaims
            f"""SELECT c.id, c.principal, c.facts_known_on, b.year, a.id, a.file_reference, m.name, h.reply_due
                  FROM grants_reclaim c {_YEAR_TO_BODY.format(row="c")}
                  LEFT JOIN grants_reclaimhearing h ON h.reclaim_id = c.id
                 WHERE c.status = 'vorgeschlagen' AND c.facts_known_on IS NOT NULL AND w.status = 'laufend'"""),
             "/admin/grants/award/?status__exact=laufend"),
        Page("bewilligung", "Zur Bewilligung (Entscheidungsliste)", "approver", "/bewilligung/",
             f"""SELECT a.id, a.file_reference, m.name, r.created_at, r.recommended_by_id, u.first_name, u.last_name,
                        (SELECT coalesce(sum(ry.amount), 0) FROM grants_recommendationyear ry
                          WHERE ry.recommendation_id = r.id) AS total,
                        count(*) OVER () AS total_rows
                   FROM grants_application a
                   JOIN municipalities_municipality m ON m.id = a.municipality_id
                   JOIN LATERAL (SELECT * FROM grants_recommendation x WHERE x.application_id = a.id
                                  ORDER BY x.created_at DESC, x.id DESC LIMIT 1) r ON true
                   JOIN accounts_user u ON u.id = r.recommended_by_id
                  WHERE a.status = 'empfohlen'
                  ORDER BY r.created_at, a.id LIMIT {PAGE}""",
             "/admin/grants/application/?status__exact=empfohlen"),
        Page("auszahlungen", "Auszahlungen (angefordert)", "clerk", "/auszahlungen/",
             f"""WITH k AS (SELECT d.id, d.amount, d.requested_at, d.stated_need, d.award_year_id,
                                   count(*) OVER () AS total
                              FROM grants_disbursement d WHERE d.status = 'angefordert'
                             ORDER BY d.requested_at, d.id LIMIT {PAGE})
                 SELECT k.*, b.year, a.id, a.file_reference, m.name, p.name
                   FROM k {_YEAR_TO_BODY.format(row="k")}
                   JOIN grants_fundingprogramme p ON p.id = a.programme_id
                  ORDER BY k.requested_at, k.id""",
             "/admin/grants/disbursement/?status__exact=angefordert"),
        Page("nachweise", "Verwendungsnachweise", "clerk", "/verwendungsnachweise/",
             # the first page in the order of the list's index (usage_report_list_idx), and the
             # total counted apart: a window count over the page would sort every proof again
             f"""WITH k AS (SELECT r.id, r.kind, r.year, r.status, r.submitted_at, r.award_id
                              FROM grants_usagereport r WHERE r.submitted_at IS NOT NULL
                             ORDER BY CASE WHEN r.status = 'eingereicht' THEN 0 WHEN r.status = 'rueckfrage' THEN 1
                                           ELSE 2 END, r.submitted_at, r.id LIMIT {2 * PAGE})
                 SELECT k.*, a.id, a.file_reference, m.name,
                        (SELECT count(*) FROM grants_usagereport WHERE submitted_at IS NOT NULL) AS total
                   FROM k
                   JOIN grants_award w ON w.id = k.award_id
                   JOIN grants_application a ON a.id = w.application_id
                   JOIN municipalities_municipality m ON m.id = a.municipality_id""",
             "/admin/grants/usagereport/"),
        Page("rueckforderungen", "Rückforderungen", "clerk", "/rueckforderungen/",
             f"""WITH k AS (SELECT c.id, c.status, c.principal, c.proposed_at, c.due_on, c.award_year_id,
                                   c.notice_id, count(*) OVER () AS total
                              FROM grants_reclaim c ORDER BY c.proposed_at DESC, c.id DESC LIMIT {2 * PAGE})
                 SELECT k.*, b.year, a.file_reference, m.name, n.number
                   FROM k {_YEAR_TO_BODY.format(row="k")}
                   LEFT JOIN grants_notice n ON n.id = k.notice_id
                  ORDER BY k.proposed_at DESC, k.id DESC""",
             "/admin/grants/reclaim/"),
        Page("antraege-koordination", "Anträge, Koordination", "coordinator", "/antraege/",
             f"""SELECT a.id, a.file_reference, a.status, a.title, a.created_at, p.name, p.period_start,
                        w.id, w.status, count(*) OVER () AS total
                   FROM grants_application a
                   JOIN grants_fundingprogramme p ON p.id = a.programme_id
                   LEFT JOIN grants_award w ON w.application_id = a.id
                  WHERE a.municipality_id = {coordinator_body}
                  ORDER BY p.period_start DESC, a.created_at DESC LIMIT {PAGE}""",
             f"/admin/grants/application/?municipality__id__exact={coordinator_body}"),
        Page("start-koordination", "Startseite, Koordination", "coordinator", "/", (
            f"""SELECT a.id, a.file_reference, a.status, p.name, p.period_start, count(*) OVER () AS total
                  FROM grants_application a
                  JOIN grants_fundingprogramme p ON p.id = a.programme_id
                 WHERE a.municipality_id = {coordinator_body}
                 ORDER BY p.period_start DESC, a.id DESC LIMIT 10""",
            # the to-do: the body's running awards with each year's amount and what is called
            # (money to call), their proofs of use (proofs due), open requests for changes,
            # drafts, reclaims to pay or to answer
            f"""SELECT w.id, a.file_reference, b.year, y.amount,
                       (SELECT coalesce(sum(d.amount), 0) FROM grants_disbursement d WHERE d.award_year_id = y.id
                         AND d.status IN ('angefordert', 'vorbereitet', 'freigegeben', 'ausgezahlt'))
                  FROM grants_award w JOIN grants_application a ON a.id = w.application_id
                  JOIN grants_awardyear y ON y.award_id = w.id JOIN grants_budget b ON b.id = y.budget_id
                 WHERE a.municipality_id = {coordinator_body} AND w.status = 'laufend'""",
            f"""SELECT r.award_id, r.kind, r.year, r.status FROM grants_usagereport r
                  JOIN grants_award w ON w.id = r.award_id JOIN grants_application a ON a.id = w.application_id
                 WHERE a.municipality_id = {coordinator_body} AND w.status = 'laufend'""",
            f"""SELECT a.id, a.status, a.file_reference, a.title, min(c.created_at) FROM grants_application a
                  LEFT JOIN grants_changerequest c ON c.application_id = a.id AND c.answered_at IS NULL
                 WHERE a.municipality_id = {coordinator_body} AND a.status IN ('entwurf', 'nachforderung')
                 GROUP BY a.id""",
            f"""SELECT c.id, c.status, c.principal, c.due_on, a.file_reference FROM grants_reclaim c
                  JOIN grants_award w ON w.id = c.award_id JOIN grants_application a ON a.id = w.application_id
                 WHERE a.municipality_id = {coordinator_body} AND c.status IN ('festgesetzt', 'vorgeschlagen')"""),
             None),
        Page("start-sachbearbeitung", "Startseite, Sachbearbeitung", "clerk", "/", _todo_floor(_CLERK_TODO), None),
        Page("start-bewilligung", "Startseite, Bewilligung", "approver", "/",
             _todo_floor(_SIGNING_TODO + _CLERK_TODO), None),
        Page("antrag-detail", f"Antragsdetail (Antrag {detail_pk}, 2.000 Einträge)", "clerk",
             f"/antraege/{detail_pk}/", None, f"/admin/grants/application/{detail_pk}/change/"),
    ]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _once(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def signed_in(user: User) -> Client:
    """A client signed in as `user`, with the second factor shown where the person has one
    (the demo's ministry accounts have TOTP): the pages are measured, not the sign-in."""
    client = Client()
    client.force_login(user)
    device = next(devices_for_user(user), None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: Status {response.status_code}")
    return response


def _fetch(sql: str | tuple[str, ...]) -> None:
    with connection.cursor() as cursor:
        for statement in (sql,) if isinstance(sql, str) else sql:
            cursor.execute(statement)
            cursor.fetchall()


def _measure(page: Page, client: Client, admin_client: Client, runs: int) -> tuple:
    """Median of the page, its floor and its admin changelist, measured interleaved (page,
    floor, admin in each run: a busy machine slows all three alike); queries and bytes."""
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, page.url)
    size, query_count = len(response.content), len(queries)
    admin_queries = None
    if page.admin:
        with CaptureQueriesContext(connection) as queries:
            _get(admin_client, page.admin)
        admin_queries = len(queries)
    if page.floor:
        _fetch(page.floor)  # warm-up; the page and the admin were warmed by counting their queries
    _get(client, BARE_URL)
    samples: dict[str, list[float]] = {"page": [], "floor": [], "admin": [], "bare": []}
    for _ in range(runs):
        samples["page"].append(_once(lambda: _get(client, page.url)))
        samples["bare"].append(_once(lambda: _get(client, BARE_URL)))
        if page.floor:
            samples["floor"].append(_once(lambda: _fetch(page.floor)))
        if page.admin:
            samples["admin"].append(_once(lambda: _get(admin_client, page.admin)))
    medians = {key: _median_ms(values) if values else None for key, values in samples.items()}
    return medians["page"], medians["floor"], medians["admin"], medians["bare"], query_count, admin_queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", default="", help="Seiten, kommagetrennt (Schlüssel der ersten Spalte)")
    args = parser.parse_args()
    # No setup_test_environment(): it instruments every template render to send a signal, and
    # the test client then copies the whole context for each one (every include, every form
    # widget) – work a server never does, which made pages with many includes look slower.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    prepare_worker()

    if not FundingProgramme.objects.filter(code__startswith=CODE_PREFIX).exists():
        raise SystemExit("Keine Skalendaten: zuerst `manage.py seed_scale` auf dieser Datenbank ausführen.")
    clerk = User.objects.filter(role=Role.SACHBEARBEITUNG, is_active=True).order_by("pk").first()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    approver = User.objects.filter(role=Role.BEWILLIGUNG, is_active=True).order_by("pk").first()
    coordinator = (User.objects.filter(role=Role.KOORDINATION, municipality__isnull=False)
                   .order_by("municipality__name", "pk").first())
    assert clerk and admin and approver and coordinator and coordinator.municipality_id is not None
    body_pk: int = coordinator.municipality_id
    longest = (AuditEntry.objects.filter(action="grants.application.changed")
               .values_list("object_id", flat=True).order_by("object_id").first())
    detail_pk = longest or Application.objects.exclude(status="entwurf").order_by("pk").values_list(
        "pk", flat=True).first()
    clients = {name: signed_in(user) for name, user in (
        ("clerk", clerk), ("approver", approver), ("coordinator", coordinator), ("admin", admin))}

    wanted = {key for key in args.only.split(",") if key}
    print(f"{Application.objects.count()} Anträge · {args.runs} Läufe je Messung · Median in ms · "
          f"{connection.vendor}")
    header = f"{'Seite':<44} {'Seite':>8} {'Boden':>8} {'Admin':>8} {'Grund':>7} {'S/Boden':>8} {'S/Admin':>8} " \
             f"{'(S-G)/B':>8} {'Abfr.':>6} {'Admin-Abfr.':>11} {'Bytes':>9}"
    print(header)
    print("-" * len(header))
    assert detail_pk is not None, "kein eingereichter Antrag"
    for page in _pages(body_pk, detail_pk):
        if wanted and page.key not in wanted:
            continue
        page_ms, floor_ms, admin_ms, bare_ms, query_count, admin_queries, size = _measure(
            page, clients[page.user], clients["admin"], args.runs)
        def cell(value, fmt="{:.1f}"):
            return fmt.format(value) if value is not None else "–"
        print(f"{page.label:<44} {page_ms:>8.1f} {cell(floor_ms):>8} {cell(admin_ms):>8} {bare_ms:>7.1f} "
              f"{cell(page_ms / floor_ms if floor_ms else None, '{:.2f}'):>8} "
              f"{cell(page_ms / admin_ms if admin_ms else None, '{:.2f}'):>8} "
              f"{cell((page_ms - bare_ms) / floor_ms if floor_ms else None, '{:.2f}'):>8} "
              f"{query_count:>6} {cell(admin_queries, '{}'):>11} {size:>9}", flush=True)


if __name__ == "__main__":
    main()

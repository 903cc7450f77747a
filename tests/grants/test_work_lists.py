"""Work lists that find things (issue 12, item 5): every list opens on what needs work, sorts by
each of its columns in both directions, searches names and file references whatever the
spelling of ß, umlauts and case, exports exactly what it shows (same columns, same rows, same
order, all pages) as CSV and XLSX, keeps a fixed number of queries however many rows it has,
shows a coordinator only the own body, and answers a bad parameter with the default list or a
German message – never a server error.

The data comes from the scale builder (33 applications with payments, proofs and reclaims)
and a few amendments built through the services."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from core.search import fold, folded
from grants import lists as list_mechanism
from grants.demo.scale import seed_scale
from grants.lists import Listing
from grants.lists.columns import (
    AMENDMENTS,
    APPLICATIONS,
    BODY_DEADLINES,
    DEADLINES,
    NOTICES,
    PAYMENTS,
    RECLAIMS,
    REVIEW_QUEUE,
    USAGE_REPORTS,
)
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationStatus,
    Award,
    Disbursement,
    Notice,
    Reclaim,
    UsageReport,
)
from municipalities.loading import load_bodies
from municipalities.models import AdministrativeCourt, Municipality
from tests import factories
from tests.grants import amendment_helpers

TODAY = date(2001, 6, 1)  # the scale periods run 2000–2002: every state occurs
S = ApplicationStatus
WMK = "Werra-Meißner-Kreis"

# name → (address, its Listing, who reads it, the parameters that show the most rows)
LISTS: dict[str, tuple[str, Listing, str, dict[str, str]]] = {
    "arbeitsvorrat": ("/pruefung/", REVIEW_QUEUE, "clerk", {"status": "alle"}),
    "antraege": ("/antraege/", APPLICATIONS, "coordinator", {}),
    "auszahlungen": ("/auszahlungen/", PAYMENTS, "clerk", {"status": Disbursement.Status.PAID}),
    "nachweise": ("/verwendungsnachweise/", USAGE_REPORTS, "clerk", {}),
    "rueckforderungen": ("/rueckforderungen/", RECLAIMS, "clerk", {}),
    "aenderungsantraege": ("/aenderungsantraege/", AMENDMENTS, "clerk", {"status": "alle"}),
    "fristen": ("/fristen/", DEADLINES, "clerk", {}),
    "bescheide": ("/bescheide/", NOTICES, "clerk", {}),
    "fristen-koordination": ("/fristen/", BODY_DEADLINES, "coordinator", {}),
}
MINISTRY_LISTS = [name for name in LISTS if LISTS[name][2] == "clerk"]
# The deadlines: the state's words (and a note after them), in the order of urgency.
STAND = ("überfällig", "bald fällig", "anstehend", "erledigt", "eingereicht")


def amendments(programme, clerk, approver):
    """Amendments of three bodies: one submitted, one recommended, one still a draft (never listed)."""
    for name, step in (("Hochtaunuskreis", "submitted"), (WMK, "recommended"), ("Kassel", "draft")):
        body = Municipality.objects.get(name=name)
        coordinator = (body.users.filter(role=Role.KOORDINATION).first()
                       or factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body))
        with amendment_helpers.frozen():
            award = amendment_helpers.issued_award(programme, coordinator, clerk, approver)
            if step == "submitted":
                amendment_helpers.submitted(award, coordinator)
            elif step == "recommended":
                amendment_helpers.recommended(award, coordinator, clerk)
            else:
                amendment_helpers.save(award, coordinator)


def reclaims(clerk, approver):
    """Reclaims on seven awards of different bodies: proposed (no payment date), fixed (with one)
    and discarded – the small scale set has a reclaim by chance only."""
    statuses = [Reclaim.Status.PROPOSED, Reclaim.Status.ISSUED, Reclaim.Status.DISCARDED, Reclaim.Status.PROPOSED,
                Reclaim.Status.ISSUED, Reclaim.Status.PROPOSED, Reclaim.Status.DISCARDED]
    awards = list(Award.objects.filter(application__programme__code__startswith="liste-")
                  .select_related("application").order_by("application__municipality__name"))
    for index, (award, status) in enumerate(zip(awards[::3], statuses, strict=False)):
        award_year = award.years.order_by("budget__year").last()
        proposed = datetime(2001, 2, 1 + index, 10, tzinfo=factories.BERLIN)
        reclaim = Reclaim(award=award, award_year=award_year, ground=Reclaim.Ground.UNUSED,
                          principal=Decimal("1000.00") * (7 - index), status=status, reason="Nicht verwendet.",
                          interest_from=date(2000, 12, 31), proposed_by=clerk, proposed_at=proposed,
                          facts_known_on=proposed.date())
        if status != Reclaim.Status.PROPOSED:
            reclaim.decided_by, reclaim.decided_at = approver, proposed
        if status == Reclaim.Status.DISCARDED:
            reclaim.discard_reason = "Geringfügig."
        if status == Reclaim.Status.ISSUED:
            reclaim.notice = Notice.objects.create(
                kind=Notice.Kind.RECLAIM, number=f"RF-{award.application.file_reference}",
                application=award.application, award=award, issued_on=proposed.date(), issued_by=approver,
                snapshot={"kind": Notice.Kind.RECLAIM, "reclaim": {"total_due": str(reclaim.principal)}})
            reclaim.due_on = date(2001, 4, 30 - index)
        reclaim.save()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The lists' data, built once for the module inside a transaction that is rolled back at its
    end (about 15 s a build); each test runs in a savepoint inside it (pytest-django's `db`), so
    nothing a test does survives it. The cast as the shared fixtures (tests/conftest.py) make it."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Municipality.objects.exists():  # emptied by a transactional test before (tests/conftest.py)
            load_bodies(Municipality, AdministrativeCourt)
        programme = factories.make_programme()
        cast = {"clerk": factories.make_user("sachbearbeitung", Role.SACHBEARBEITUNG),
                "coordinator": factories.make_user("koordination-a", Role.KOORDINATION,
                                                   Municipality.objects.get(name=WMK)),
                "approver": factories.make_user("bewilligung", Role.BEWILLIGUNG)}
        seed_scale(applications=33, today=TODAY, prefix="liste-", history_entries=0)
        amendments(programme, cast["clerk"], cast["approver"])
        reclaims(cast["clerk"], cast["approver"])
        yield {who: user.pk for who, user in cast.items()}
        transaction.set_rollback(True)


@pytest.fixture
def data(world, db):
    """The cast of the lists' data, read afresh for each test."""
    return {who: User.objects.get(pk=pk) for who, pk in world.items()}


# -- reading a list page and its export ---------------------------------------------------------------


class _Table(HTMLParser):
    """The headers and the cells' text of the first table with aria-describedby="ergebnis"."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._in_table = self._done = False
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("aria-describedby") == "ergebnis" and not self._done:
            self._in_table = True
        elif self._in_table and tag == "thead":
            self._in_head = True
        elif self._in_table and tag == "tr" and not self._in_head:
            self.rows.append([])
        elif self._in_table and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._in_table:
            self._in_table, self._done = False, True
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join(" ".join(self._cell).split())
            (self.headers if self._in_head else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_of(response) -> _Table:
    assert response.status_code == 200, response.status_code
    table = _Table()
    table.feed(response.content.decode())
    return table


def shown(client, url: str, params: dict, columns: int) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of every page of the list, as a person sees them (without the actions)."""
    first = client.get(url, params)
    pages = int(m.group(1)) if (m := re.search(r"Seite 1 von (\d+)", first.content.decode())) else 1
    table = table_of(first)
    headers, rows = table.headers[:columns], [row[:columns] for row in table.rows]
    for number in range(2, pages + 1):
        rows += [row[:columns] for row in table_of(client.get(url, {**params, "page": number})).rows]
    return [h.rstrip(" ▲▼") for h in headers], rows


def csv_of(client, url: str, params: dict) -> list[list[str]]:
    response = client.get(url, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 mit BOM für Excel"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_of(client, url: str, params: dict) -> list[tuple]:
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def _same(text: str) -> str:
    """A cell's text compared between page and CSV: "–" is empty, no comma between two badges."""
    return "" if text == "–" else " ".join(text.replace(",", " ").split())


def _money(text: str) -> Decimal:
    return Decimal(text.replace("€", "").replace(".", "").replace(",", ".").strip())


# -- sorting -------------------------------------------------------------------------------------------

def _sort_key(column, value):
    """The order a column promises, computed here from the exported value (None: empty, always last)."""
    if value in (None, "", "Entwurf", "nicht erfasst", "noch nicht zugewiesen"):  # no file reference, …
        return None
    if column.key == "status":
        return column.status_positions[str(value).split(",")[0].split(" ")[0]]
    if column.key in ("vorbereitet", "geprueft", "empfohlen", "zustaendig"):  # by last name, then first name
        first, _space, last = str(value).rpartition(" ")
        return (last, first)
    if column.key == "antrag":
        return int(str(value).rsplit(" ", 1)[1])
    if column.key == "stand":
        return min(next(i for i, words in enumerate(STAND) if str(value).startswith(words)), 3)
    if column.key == "zeitraum":
        return tuple(datetime.strptime(day.strip(), "%d.%m.%Y") for day in str(value).split("–"))
    if isinstance(value, datetime):
        return value.date()
    return value


def _status_positions(listing) -> dict[str, int]:
    if listing in (DEADLINES, BODY_DEADLINES, NOTICES):
        return {}
    labels = {REVIEW_QUEUE: S.labels, APPLICATIONS: S.labels, PAYMENTS: Disbursement.Status.labels,
              USAGE_REPORTS: UsageReport.Status.labels, RECLAIMS: Reclaim.Status.labels,
              AMENDMENTS: AmendmentRequest.Status.labels}[listing]
    return {str(label).split(",")[0].split(" ")[0]: position for position, label in enumerate(labels)}


def assert_ordered(keys: list, descending: bool, what: str):
    filled = [key for key in keys if key is not None]
    assert keys == filled + [None] * (len(keys) - len(filled)), f"{what}: leere Werte stehen am Ende"
    assert filled == sorted(filled, reverse=descending), what


@pytest.mark.parametrize("name", LISTS)
def test_list_sorts_by_each_column_both_ways_and_the_header_says_so(client, data, name):
    url, listing, who, params = LISTS[name]
    client.force_login(data[who])
    positions = _status_positions(listing)
    for index, column in enumerate(listing.columns):
        for sort in (column.key, f"-{column.key}"):
            rows = xlsx_of(client, url, {**params, "sort": sort})[1:]
            assert len(rows) > 1, name
            column_with_positions = type("C", (), {"key": column.key, "status_positions": positions})
            keys = [_sort_key(column_with_positions, row[index]) for row in rows]
            assert_ordered(keys, sort.startswith("-"), f"{name} nach {sort}")
            html = client.get(url, {**params, "sort": sort}).content.decode()
            direction = "descending" if sort.startswith("-") else "ascending"
            header = re.search(rf'<th scope="col"[^>]* aria-sort="{direction}"><a href="([^"]+)">([^<]+)', html)
            assert header and header.group(2).strip() == str(column.label), f"{name}: aria-sort auf {column.label}"
            following = column.key if sort.startswith("-") else f"-{column.key}"
            assert f"sort={following}" in header.group(1).replace("&amp;", "&").split("?")[1].split("&")


def test_work_queue_opens_with_what_waits_for_the_clerk_first_even_when_showing_everything(client, data):
    client.force_login(data["clerk"])

    rows = xlsx_of(client, "/pruefung/", {"status": "alle"})[1:]

    statuses = [row[4] for row in rows]
    waiting = {str(S.SUBMITTED.label), str(S.IN_REVIEW.label)}
    first_done = next(i for i, status in enumerate(statuses) if status not in waiting)
    assert first_done > 0 and not waiting & set(statuses[first_done:])
    submitted = [row[5] for row in rows[:first_done]]
    assert submitted == sorted(submitted), "was am längsten wartet, zuerst"


def test_reclaims_open_with_those_to_fix_first(client, data):
    client.force_login(data["clerk"])

    statuses = [row[6] for row in xlsx_of(client, "/rueckforderungen/", {})[1:]]

    order = [str(Reclaim.Status.PROPOSED.label), str(Reclaim.Status.ISSUED.label)]
    ranks = [order.index(s) if s in order else 2 for s in statuses]
    assert ranks == sorted(ranks) and 0 in ranks


# -- export equals the list ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", LISTS)
def test_export_holds_the_rows_of_every_page_in_the_order_and_columns_shown(client, data, name):
    url, listing, who, base = LISTS[name]
    client.force_login(data[who])
    sort = "-koerperschaft" if listing.column("koerperschaft") else "-status"
    for params in ({}, {"sort": sort}, {"q": "kreis"}):
        wanted = {**base, **params}

        headers, rows = shown(client, url, wanted, len(listing.columns))
        exported = csv_of(client, url, wanted)

        assert exported[0] == headers == [str(column.label) for column in listing.columns]
        assert len(exported) - 1 == len(rows) > 0, (name, params)
        for page_row, csv_row in zip(rows, exported[1:], strict=True):
            for column, on_page, in_file in zip(listing.columns, page_row, csv_row, strict=True):
                if column.kind == "money":
                    assert _money(on_page) == Decimal(in_file.replace(",", ".")), (name, params, column.key)
                else:
                    assert _same(on_page) == _same(in_file), (name, params, column.key)
        assert_xlsx_is_csv_with_real_numbers_and_dates(xlsx_of(client, url, wanted), exported, listing)


def assert_xlsx_is_csv_with_real_numbers_and_dates(as_xlsx, as_csv, listing):
    assert list(as_xlsx[0]) == as_csv[0]
    assert len(as_xlsx) == len(as_csv)
    for column_index, column in enumerate(listing.columns):
        values = [row[column_index] for row in as_xlsx[1:] if row[column_index] is not None]
        if column.kind == "money":
            assert all(isinstance(value, int | float) for value in values), column.key
            assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in values] == [
                Decimal(row[column_index].replace(",", ".")) for row in as_csv[1:] if row[column_index]]
        elif column.kind == "date":
            values = [value for value in values if value != "nicht erfasst"]
            assert all(isinstance(value, datetime) for value in values), column.key
            assert [v.strftime("%d.%m.%Y") for v in values] == [
                r[column_index] for r in as_csv[1:] if r[column_index] not in ("", "nicht erfasst")]
        else:
            assert [str(v) for v in values] == [r[column_index] for r in as_csv[1:] if r[column_index]]


def test_csv_is_what_german_excel_opens(client, data):
    client.force_login(data["clerk"])

    response = client.get("/pruefung/", {"status": "alle", "export": "csv", "sort": "betrag"})

    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ("Aktenzeichen;Gebietskörperschaft;Regierungsbezirk;Förderperiode;Status;"
                                    "Eingereicht am;Beantragte Zuwendung;Zuständig")
    assert re.search(r";\d+,\d\d;[^;]*\r\n", text), "Beträge mit Dezimalkomma, ohne Tausenderpunkt"
    assert "attachment;" in response["Content-Disposition"] and "arbeitsvorrat_" in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]


def test_an_export_beyond_the_limit_is_refused_with_a_message_on_the_list(client, data, monkeypatch):
    monkeypatch.setattr(list_mechanism, "EXPORT_LIMIT", 5)
    client.force_login(data["clerk"])

    response = client.get("/pruefung/", {"status": "alle", "export": "xlsx"}, follow=True)

    assert response.redirect_chain[0][0] == "/pruefung/?status=alle"
    assert "Die Auswahl umfasst mehr als 5 Zeilen" in response.content.decode()


# -- search: ß/ss, umlauts, case ------------------------------------------------------------------------

def test_meissner_finds_the_werra_meissner_kreis_however_it_is_written(client, data):
    client.force_login(data["clerk"])
    submitted = Application.objects.filter(municipality__name=WMK).exclude(status=S.DRAFT).count()

    for query in ("Meissner", "meißner", "MEISSNER", "Werra-Meissner", "werra meißner", "Meißner"):
        rows = csv_of(client, "/pruefung/", {"status": "alle", "q": query})[1:]
        assert rows and {row[1] for row in rows} == {WMK}, query
        assert len(rows) == submitted, query
        page = client.get("/pruefung/", {"status": "alle", "q": query}).content.decode()
        assert f"{submitted} Anträge gefunden" in page, query


def test_giessen_finds_the_district_and_the_city(client, data):
    client.force_login(data["clerk"])
    both = {body.display_name for body in Municipality.objects.filter(name__contains="Gießen")}

    for query in ("Giessen", "gießen", "GIESSEN", "Gießen"):
        bodies = {row[1] for row in csv_of(client, "/pruefung/", {"status": "alle", "q": query})[1:]}
        assert bodies == both and len(both) == 2, query


@pytest.mark.parametrize("name", MINISTRY_LISTS)
def test_every_ministry_list_finds_meissner_and_file_references_in_any_case(client, data, name):
    url, listing, who, params = LISTS[name]
    client.force_login(data[who])
    body = listing.columns.index(listing.column("koerperschaft"))
    reference = listing.columns.index(listing.column("aktenzeichen"))
    everything = csv_of(client, url, params)[1:]

    found = csv_of(client, url, {**params, "q": "MEISSNER"})[1:]
    assert found == [row for row in everything if row[body] == WMK]
    if name != "rueckforderungen":  # seven reclaims: the Werra-Meißner-Kreis may have none
        assert found, f"{name}: keine Zeile des {WMK}"

    wanted = everything[-1][reference]
    by_reference = csv_of(client, url, {**params, "q": wanted.lower()})[1:]
    assert by_reference == [row for row in everything if row[reference] == wanted]


def test_umlauts_are_found_written_out_or_without_dots(client, data):
    application = Application.objects.filter(municipality__name=WMK).exclude(status=S.DRAFT).first()
    Application.objects.filter(pk=application.pk).update(title="Begegnungsstätte Müllerstraße")
    client.force_login(data["clerk"])

    for query in ("Muellerstrasse", "müllerstraße", "MULLERSTRASSE", "Begegnungsstaette", "stätte müller"):
        rows = csv_of(client, "/pruefung/", {"status": "alle", "q": query})[1:]
        assert [row[0] for row in rows] == [application.file_reference], query


def test_fold_in_sql_is_fold_in_python(db):
    texts = ["Werra-Meißner-Kreis", "GROẞE Straße", "Ärger über Öl", "ÄÖÜ äöü", "Café Émile", "Gießen (Stadt)"]

    for spelling in ("ae", "plain"):
        for text in texts:
            in_sql = Municipality.objects.annotate(f=folded(Value(text), spelling)).values_list("f", flat=True)[0]
            assert " ".join(in_sql.split()) == fold(text, spelling), (text, spelling)
        names = Municipality.objects.annotate(f=folded(F("name"), spelling)).values_list("name", "f")
        assert all(folded_name == fold(name, spelling) for name, folded_name in names)


def test_fold_makes_the_spellings_equal():
    assert fold("Werra-Meißner-Kreis") == fold("WERRA-MEISSNER-KREIS") == "werra-meissner-kreis"
    assert fold("Gießen") == fold("Giessen") == "giessen"
    assert fold("München") == fold("Muenchen") and fold("München", "plain") == fold("Munchen", "plain")


# -- queries: a fixed number, whatever the rows ---------------------------------------------------------


def _queries(client, url, params) -> int:
    client.get(url, params)  # warm the session and the content types
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    count = len(context.captured_queries)
    assert response.status_code == 200
    return count


def _all_queries(client, data) -> dict:
    counts = {}
    for name, (url, listing, who, params) in LISTS.items():
        client.force_login(data[who])
        for extra in ({}, {"q": "kreis"}, {"export": "csv"}, {"export": "xlsx"},
                      *({"sort": f"-{column.key}"} for column in listing.columns)):
            counts[(name, tuple(extra.items()))] = _queries(client, url, {**params, **extra})
    return counts


def test_queries_do_not_grow_with_ten_times_the_rows(client, data):
    few = _all_queries(client, data)
    seed_scale(applications=330, today=TODAY, prefix="viele-", history_entries=0)

    many = _all_queries(client, data)

    assert many == few
    assert max(few.values()) <= 14


# -- scope and bad input --------------------------------------------------------------------------------


def test_a_coordinators_list_and_export_hold_only_the_own_body(client, data):
    coordinator = data["coordinator"]
    client.force_login(coordinator)
    own = set(Application.objects.filter(municipality=coordinator.municipality)
              .exclude(file_reference=None).values_list("file_reference", flat=True))

    exported = {row[0] for row in csv_of(client, "/antraege/", {})[1:]} - {"Entwurf"}
    other = Application.objects.exclude(municipality=coordinator.municipality).exclude(file_reference=None).first()

    assert exported == own
    assert csv_of(client, "/antraege/", {"q": other.file_reference})[1:] == []
    assert csv_of(client, "/antraege/", {"q": "Hochtaunus"})[1:] == []
    deadlines = {row[0] for row in csv_of(client, "/fristen/", {})[1:]}
    assert deadlines and deadlines <= own
    assert csv_of(client, "/fristen/", {"q": "Hochtaunus"})[1:] == []


def test_a_coordinator_cannot_export_a_ministry_list(client, data):
    client.force_login(data["coordinator"])

    for name in set(MINISTRY_LISTS) - {"fristen"}:  # the deadlines: a coordinator has the own (tested above)
        assert client.get(LISTS[name][0], {"export": "csv"}).status_code == 403, name


BAD = [
    {"sort": "quatsch"}, {"sort": "-"}, {"sort": "--status"}, {"page": "x"}, {"page": "99999"},
    {"q": "x" * 300}, {"q": "%_\\'\""}, {"status": "unbekannt"}, {"programme": "gibt-es-nicht"},
    {"municipality": "abc"}, {"export": "pdf"},
]


@pytest.mark.parametrize("name", LISTS)
def test_bad_parameters_give_the_list_or_a_german_message_never_an_error(client, data, name):
    url, listing, who, params = LISTS[name]
    client.force_login(data[who])

    for bad in BAD:
        response = client.get(url, {**params, **bad}, follow=True)

        assert response.status_code == 200, bad
        html = response.content.decode()
        if "sort" in bad:
            assert "lässt sich nicht sortieren; die Liste steht in der Standardreihenfolge" in html, bad
            assert 'aria-sort="' not in html
        if "export" in bad:
            assert "Dieses Exportformat gibt es nicht" in html
        if "q" in bad and len(bad["q"]) > 100:
            assert "höchstens 100 Zeichen" in html


def test_notices_open_with_those_whose_bekanntgabe_is_missing(client, data):
    client.force_login(data["clerk"])

    notified = [row[5] for row in xlsx_of(client, "/bescheide/", {})[1:]]

    missing = [value == "nicht erfasst" for value in notified]
    assert missing == sorted(missing, reverse=True) and any(missing)
    assert "Bescheide" in [item["label"] for item in client.get("/bescheide/").context["main_navigation"]]


def test_notices_say_whether_and_when_they_were_sealed(client, data):
    """Unsealed (no seal configured here) in the table and the export; a sealed one by the German
    day of its seal, a test seal marked as such."""
    from datetime import UTC

    from grants.lists.columns import _seal
    from grants.models import Notice
    client.force_login(data["clerk"])

    rows = xlsx_of(client, "/bescheide/", {})
    column = rows[0].index("Elektronisches Siegel")
    assert {row[column] for row in rows[1:]} == {"nicht gesiegelt"}
    assert "nicht gesiegelt" in client.get("/bescheide/").content.decode()

    late_evening = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 00:30 on the 4th in Wiesbaden
    sealed = {"sealed_at": late_evening, "seal_fingerprint": "ab" * 32}
    assert _seal(Notice(**sealed)) == "04.12.2026"
    assert _seal(Notice(**sealed, seal_test=True)) == "04.12.2026 (Testsiegel)"

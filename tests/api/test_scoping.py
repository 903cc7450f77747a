"""Every read endpoint with every role of the cast: each person sees through the API exactly what
the pages show them – a coordinator the own body's objects (another body's: 404), the ministry every
submitted case, an account without a role nothing, and nobody anything without a key."""

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("coordinator_a", "coordinator_b", "clerk", "approver", "programme_admin", "no_role")
MINISTRY = ("clerk", "approver", "programme_admin")


def _ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_role_lists_what_the_pages_show(case, cast, api_client, frozen_today):
    a, b = case["application"].pk, case["other_application"].pk
    award, notice = case["award"].pk, case["notice"].pk
    payment, report, reclaim = case["payment"].pk, case["report"].pk, case["reclaim"].pk
    ministry_sees = {"applications": {a, b}, "awards": {award}, "notices": {notice}, "payments": {payment},
                     "proofs": {report}, "reclaims": {reclaim}}
    expected = {
        "coordinator_a": {"applications": {a}, "awards": {award}, "notices": {notice}, "payments": {payment},
                          "proofs": {report}, "reclaims": set()},  # the reclaim is internal until the hearing
        "coordinator_b": {"applications": {b}, "awards": set(), "notices": set(), "payments": set(),
                          "proofs": set(), "reclaims": set()},
        **dict.fromkeys(MINISTRY, ministry_sees),
        "no_role": dict.fromkeys(ministry_sees, set()),
    }
    for role in ROLES:
        client = api_client(cast[role])
        for resource, ids in expected[role].items():
            assert _ids(client.get(f"/api/v1/{resource}/")) == ids, (role, resource)


def test_another_bodys_objects_answer_404_as_on_the_pages(case, cast, api_client, frozen_today):
    outsider = api_client(cast["coordinator_b"])
    for path in (f"applications/{case['application'].pk}/", f"applications/{case['application'].pk}/audit/",
                 f"awards/{case['award'].pk}/", f"notices/{case['notice'].pk}/", f"notices/{case['notice'].pk}/pdf/",
                 f"payments/{case['payment'].pk}/", f"proofs/{case['report'].pk}/"):
        response = outsider.get(f"/api/v1/{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        # The same German answer as for an id that does not exist: a changed id reveals nothing.
        missing = outsider.get("/api/v1/" + path.replace(path.split("/")[1], "999999", 1))
        assert response.json()["detail"] == missing.json()["detail"], path
        assert response.json()["detail"].endswith("nicht gefunden."), path
    assert api_client(cast["coordinator_a"]).get(f"/api/v1/applications/{case['other_application'].pk}/") \
        .status_code == 404
    # The body's own coordinator does not see the reclaim proposal either (the ministry's internal work).
    assert api_client(cast["coordinator_a"]).get(f"/api/v1/reclaims/{case['reclaim'].pk}/").status_code == 404


def test_ministry_and_owner_open_every_detail(case, cast, api_client, frozen_today):
    for role in ("coordinator_a", *MINISTRY):
        client = api_client(cast[role])
        for path in (f"applications/{case['application'].pk}/", f"awards/{case['award'].pk}/",
                     f"notices/{case['notice'].pk}/", f"payments/{case['payment'].pk}/",
                     f"proofs/{case['report'].pk}/"):
            assert client.get(f"/api/v1/{path}").status_code == 200, (role, path)
    assert api_client(cast["clerk"]).get(f"/api/v1/reclaims/{case['reclaim'].pk}/").status_code == 200


def test_account_without_role_sees_no_programme_and_no_deadline(programme, no_role_user, api_client):
    client = api_client(no_role_user)
    assert client.get("/api/v1/programmes/").json()["count"] == 0
    assert client.get(f"/api/v1/programmes/{programme.pk}/").status_code == 404
    response = client.get("/api/v1/deadlines/")
    assert response.status_code == 403
    assert "Fristen" in response.json()["detail"]


def test_without_a_key_every_endpoint_answers_401(programme, anonymous_api):
    for path in ("programmes/", f"programmes/{programme.pk}/", f"programmes/{programme.pk}/budgets/",
                 "applications/", "applications/1/", "applications/1/audit/", "awards/", "awards/1/", "notices/",
                 "notices/1/", "notices/1/pdf/", "payments/", "payments/1/", "proofs/", "proofs/1/", "reclaims/",
                 "reclaims/1/", "deadlines/"):
        response = anonymous_api.get(f"/api/v1/{path}")
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_budget_figures_are_the_ministrys(case, cast, api_client, frozen_today):
    from grants.selectors.budgets import budget_figures

    programme = case["application"].programme
    url = f"/api/v1/programmes/{programme.pk}/budgets/"
    for role in MINISTRY:
        rows = api_client(cast[role]).get(url).json()
        assert rows == [{"year": f.year, "budget": f"{f.budget:.2f}", "committed": f"{f.committed:.2f}",
                         "paid": f"{f.paid:.2f}", "remaining": f"{f.remaining:.2f}"}
                        for f in budget_figures(programme)]
    assert {"year": 2023, "budget": "1000000.00", "committed": "100000.00", "paid": "20000.00",
            "remaining": "900000.00"} in rows
    response = api_client(cast["coordinator_a"]).get(url)
    assert response.status_code == 403
    assert response.json()["title"] == "Keine Berechtigung"


def test_application_detail_carries_its_financing_plan(case, cast, api_client, frozen_today):
    body = api_client(cast["clerk"]).get(f"/api/v1/applications/{case['application'].pk}/").json()
    assert body["file_reference"] == case["application"].file_reference
    assert body["award"] == case["award"].pk
    assert body["requested_grant"] == "500000.00"  # 100.000,00 € in each of 2021–2025
    grant_lines = [line for line in body["financings"] if line["source"] == "zuwendung"]
    assert [line["year"] for line in grant_lines] == [2021, 2022, 2023, 2024, 2025]
    assert {line["amount"] for line in grant_lines} == {"100000.00"}
    personal = [line for line in body["expenditures"] if line["category"] == "personal"]
    assert personal[0] == {"year": 2021, "category": "personal", "category_name": "Personalausgaben WIR-Koordination",
                           "amount": "118000.00", "positions": "2.00"}


def test_award_has_its_years_and_first_revision(case, cast, api_client, frozen_today):
    body = api_client(cast["coordinator_a"]).get(f"/api/v1/awards/{case['award'].pk}/").json()
    assert body["years"] == [{"year": year, "amount": "100000.00"} for year in range(2021, 2026)]
    assert body["total"] == "500000.00"
    assert [revision["number"] for revision in body["revisions"]] == [1]
    assert body["revisions"][0]["amounts"] == {str(year): "100000.00" for year in range(2021, 2026)}


def test_case_history_hides_the_ministrys_internal_work_from_the_body(case, cast, api_client, frozen_today):
    url = f"/api/v1/applications/{case['application'].pk}/audit/"
    ministry = [row["action"] for row in api_client(cast["clerk"]).get(url + "?page_size=200").json()["results"]]
    body = [row["action"] for row in api_client(cast["coordinator_a"]).get(url + "?page_size=200").json()["results"]]
    assert "grants.reclaim.proposed" in ministry
    assert "grants.reclaim.proposed" not in body
    assert "grants.application.submitted" in body and "grants.notice.issued" in body
    rows = api_client(cast["clerk"]).get(url + "?kind=zahlungen").json()["results"]
    assert {row["kind"] for row in rows} == {"zahlungen"}
    assert rows[0]["actor"] == "Sachbearbeitung Test" and rows[0]["label"] == "Auszahlung gebucht"
    unknown = api_client(cast["clerk"]).get(url + "?kind=gibt-es-nicht")
    assert unknown.status_code == 400 and "zahlungen" in unknown.json()["errors"]["kind"][0]


def test_deadlines_are_the_running_awards_with_filters(case, cast, api_client, frozen_today):
    client = api_client(cast["coordinator_a"])
    rows = client.get("/api/v1/deadlines/").json()["results"]
    assert [row["id"] for row in rows][:2] == [f"{case['award'].pk}-zwischennachweis-2021",
                                               f"{case['award'].pk}-zwischennachweis-2022"]
    assert {row["state"] for row in rows} == {"ueberfaellig", "erledigt", "anstehend"}
    done = client.get("/api/v1/deadlines/?state=erledigt").json()["results"]
    assert [(row["label"], row["proof"]) for row in done] == [("Zwischennachweis 2023", case["report"].pk)]
    later = client.get("/api/v1/deadlines/?due_after=2025-01-01").json()["results"]
    assert [row["due"] for row in later] == ["2025-03-31", "2026-06-30"]
    assert api_client(cast["coordinator_b"]).get("/api/v1/deadlines/").json()["count"] == 0
    assert api_client(cast["programme_admin"]).get("/api/v1/deadlines/").json()["count"] == len(rows)


def test_list_filters_narrow_and_refuse_unknown_values(case, cast, api_client, frozen_today):
    client = api_client(cast["clerk"])
    programme = case["application"].programme
    assert _ids(client.get("/api/v1/applications/?status=bewilligt")) == {case["application"].pk}
    assert _ids(client.get("/api/v1/applications/?status=bewilligt&status=eingereicht")) == {
        case["application"].pk, case["other_application"].pk}
    assert _ids(client.get(f"/api/v1/applications/?programme={programme.code}&body="
                           f"{case['other_application'].municipality.ags}")) == {case["other_application"].pk}
    assert _ids(client.get("/api/v1/applications/?programme=gibt-es-nicht")) == set()
    assert _ids(client.get("/api/v1/payments/?budget_year=2023&status=ausgezahlt")) == {case["payment"].pk}
    assert _ids(client.get("/api/v1/payments/?budget_year=2024")) == set()
    assert _ids(client.get("/api/v1/notices/?kind=zuwendung")) == {case["notice"].pk}
    response = client.get("/api/v1/applications/?status=bewiligt&submitted_after=gestern")
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Ungültige Angaben"
    assert set(body["errors"]) == {"status", "submitted_after"}
    assert "bewiligt" in body["errors"]["status"][0]

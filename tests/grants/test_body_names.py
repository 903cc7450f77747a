"""Landkreis and Stadt Gießen (and Kreis Offenbach and Stadt Offenbach am Main) carry one
name each in Hesse's official list; everywhere the application shows a body it shows the
unambiguous `Municipality.display_name`: the lists, the selects, the notices."""

from datetime import date

from django.urls import reverse

from accounts.roles import Role
from grants.models import Notice
from municipalities.models import Municipality
from tests import factories


def coordinator_of(name: str):
    body = Municipality.objects.get(name=name)
    return factories.make_user(f"koordination-{body.ags}", Role.KOORDINATION, body)


def test_every_body_has_its_own_unambiguous_name(db):
    names = {body.name: body.display_name for body in Municipality.objects.all()}
    assert len(names) == 33 and len(set(names.values())) == 33
    assert names["Gießen"] == "Landkreis Gießen" and names["Gießen (Stadt)"] == "Stadt Gießen"
    assert names["Offenbach"] == "Kreis Offenbach" and names["Offenbach am Main"] == "Stadt Offenbach am Main"
    assert names["Kassel (Landkreis)"] == "Landkreis Kassel" and names["Kassel"] == "Stadt Kassel"
    assert names["Werra-Meißner-Kreis"] == "Werra-Meißner-Kreis"
    assert str(Municipality.objects.get(name="Gießen (Stadt)")) == "Stadt Gießen"


def test_the_work_queue_and_its_select_tell_landkreis_and_stadt_giessen_apart(client, programme, clerk):
    district = factories.submitted_application(programme, coordinator_of("Gießen"))
    city = factories.submitted_application(programme, coordinator_of("Gießen (Stadt)"))
    client.force_login(clerk)
    page = client.get(reverse("grants:review_queue")).content.decode()
    rows = page[page.index("<tbody>"):page.index("</tbody>")]
    assert rows.count("<td>Landkreis Gießen</td>") == 1 and rows.count("<td>Stadt Gießen</td>") == 1
    assert district.file_reference in rows and city.file_reference in rows
    district_pk = Municipality.objects.get(name="Gießen").pk
    city_pk = Municipality.objects.get(name="Gießen (Stadt)").pk
    assert f'<option value="{district_pk}">Landkreis Gießen</option>' in page
    assert f'<option value="{city_pk}">Stadt Gießen</option>' in page


def test_a_new_notice_names_the_city_unambiguously(programme, clerk, approver):
    award = factories.approved_award(programme, coordinator_of("Gießen (Stadt)"), clerk, approver,
                                     on=date(2026, 1, 20), notice=False)
    notice = factories.issue_notice(award.application, approver, date(2026, 2, 1))
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.snapshot["recipient"]["name"] == "Stadt Gießen"
    assert stored.snapshot["recipient"]["address_lines"][0] == "Magistrat der Universitätsstadt Gießen"


def test_the_sql_name_the_lists_sort_by_is_the_name_they_show(db):
    from municipalities.models import display_name_sql
    bodies = Municipality.objects.annotate(shown=display_name_sql())
    assert bodies.count() == 33
    assert [(body.name, body.shown) for body in bodies] == [(body.name, body.display_name) for body in bodies]

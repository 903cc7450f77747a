"""Every write in the admin goes through a service or is refused: base rates and issued reclaims
cannot be changed there (the open amount of an issued reclaim stays what its notice says);
programme settings, authorities and people are saved with an audit entry of before → after."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from grants.models import BaseRate, FundingProgramme, Reclaim
from grants.selectors.reclaims import reclaim_balance
from tests import factories

# Shared fixtures (autouse: the clock at TODAY, 01.03.2024) and helpers.
from tests.grants.reclaim_fixtures import award, fixed, frozen_clock, proposed, report  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_storage")


@pytest.fixture
def superuser(db):
    return factories.make_user("admin", Role.PROGRAMMVERWALTUNG, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_admin_refuses_to_change_a_base_rate_an_issued_reclaim_uses(admin_client, fixed):  # noqa: F811
    rate = BaseRate.objects.filter(valid_from__lte=date(2023, 7, 1)).order_by("-valid_from").first()
    assert rate is not None
    balance_before = reclaim_balance(fixed)
    entries_before = AuditEntry.objects.count()

    response = admin_client.post(change_url(rate), {"valid_from": "2023-07-01", "rate": "8.00",
                                                    "source": "von Hand"})

    assert response.status_code == 403
    rate.refresh_from_db()
    assert rate.rate != Decimal("8.00") and rate.source != "von Hand"
    assert reclaim_balance(fixed) == balance_before
    assert AuditEntry.objects.count() == entries_before


def test_the_admin_neither_adds_nor_deletes_base_rates(admin_client, db):
    from tests.grants.reclaim_fixtures import ensure_base_rates
    ensure_base_rates()
    count = BaseRate.objects.count()
    rate = BaseRate.objects.first()
    assert rate is not None
    add = admin_client.post(reverse("admin:grants_baserate_add"),
                            {"valid_from": "2099-01-01", "rate": "1.00", "source": "x"})
    delete = admin_client.post(reverse("admin:grants_baserate_delete", args=[rate.pk]), {"post": "yes"})
    assert add.status_code == 403 and delete.status_code == 403
    assert BaseRate.objects.count() == count


def test_the_admin_refuses_to_change_an_issued_reclaim(admin_client, fixed):  # noqa: F811
    principal, due_on = fixed.principal, fixed.due_on
    response = admin_client.post(change_url(fixed), {"principal": "99999.00", "status": "erledigt"})
    assert response.status_code == 403
    fixed.refresh_from_db()
    assert (fixed.principal, fixed.due_on, fixed.status) == (principal, due_on, Reclaim.Status.ISSUED)


def test_a_programme_setting_changed_in_the_admin_is_in_the_audit_trail(admin_client, programme, superuser):
    page = admin_client.get(change_url(programme))
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data = {key: value for key, value in data.items() if value is not False}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        for inline_form in inline.formset.forms:
            data.update({inline_form.add_prefix(name): inline_form[name].value() for name in inline_form.fields
                         if inline_form[name].value() not in (None, False)})
    before = programme.reclaim_payment_days
    data["reclaim_payment_days"] = str(before + 15)

    response = admin_client.post(change_url(programme), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(action="grants.fundingprogramme.updated")
    assert entry.actor == superuser and entry.object_id == programme.pk
    assert entry.changes == {"reclaim_payment_days": [before, before + 15]}
    assert FundingProgramme.objects.get(pk=programme.pk).reclaim_payment_days == before + 15


def test_a_person_created_in_the_admin_is_audited_without_the_password(admin_client, superuser):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "neu", "usable_password": "true", "password1": "Ein-langes-Passwort-2026",
        "password2": "Ein-langes-Passwort-2026", "first_name": "Nina", "last_name": "Neu",
        "email": "nina.neu@example.org", "role": Role.SACHBEARBEITUNG})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.changes["username"] == [None, "neu"] and entry.changes["role"] == [None, Role.SACHBEARBEITUNG]
    assert "password" not in entry.changes and "pbkdf2" not in str(entry.changes).lower()

"""Two-factor sign-in: a ministry person who gave only the password reaches the enrolment
alone; enrolment with a real code; sign-in with the app or a backup code (once); coordinators
opt in; remembered browsers; the administrator's reset for a lost phone."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import second_factor_reset
from audit.models import AuditEntry
from core.errors import DomainError
from tests.accounts.conftest import code_from_manual_key, device_code, enrolled, sign_in, signed_in_fully

ENROL = reverse("accounts:enrol")
STEP = reverse("accounts:second_factor")


def actions(user) -> list[str]:
    return list(AuditEntry.objects.filter(object_id=user.pk, action__startswith="accounts.")
                .values_list("action", flat=True))


def enrol_through_the_pages(client, user) -> list[str]:
    """Password, then the enrolment with the code computed from the key on the page; returns
    the backup codes shown."""
    sign_in(client, user)
    manual_key = client.get(ENROL).context["manual_key"]
    return client.post(ENROL, {"code": code_from_manual_key(manual_key)}).context["codes"]


def pages():
    return [reverse("dashboard"), reverse("grants:review_queue"), reverse("grants:deadline_list"),
            reverse("accounts:account"), reverse("password_change"), reverse("accounts:reauthenticate"),
            reverse("admin:index")]


@pytest.mark.parametrize("fixture", ["clerk", "approver", "programme_admin"])
def test_ministry_user_with_password_only_reaches_only_the_enrolment(request, client, two_factor, fixture):
    user = request.getfixturevalue(fixture)

    response = sign_in(client, user)

    assert response.status_code == 302
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    assert client.post(reverse("grants:review_queue")).status_code == 302
    assert client.get(ENROL).status_code == 200
    qr = client.get(reverse("accounts:enrol_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]


def test_staff_coordinator_needs_a_second_factor_too(client, two_factor, coordinator_a):
    coordinator_a.is_staff = True
    coordinator_a.save()
    sign_in(client, coordinator_a)
    assert client.get(reverse("dashboard"))["Location"].startswith(ENROL)


def test_enrolment_with_a_real_code_opens_the_application_and_shows_backup_codes_once(client, two_factor, clerk):
    sign_in(client, clerk)
    page = client.get(ENROL)
    manual_key = page.context["manual_key"]
    assert manual_key in page.content.decode()
    assert 'src="' + reverse("accounts:enrol_qr") in page.content.decode()

    done = client.post(ENROL, {"code": code_from_manual_key(manual_key), "next": reverse("grants:review_queue")})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert "no-store" in done["Cache-Control"]
    assert TOTPDevice.objects.get(user=clerk).confirmed
    assert client.get(reverse("grants:review_queue")).status_code == 200
    assert client.get(ENROL).status_code == 302  # enrolled: the codes are never shown again
    assert "accounts.second_factor.enrolled" in actions(clerk)


def test_a_wrong_first_code_enrols_nothing(client, two_factor, clerk):
    sign_in(client, clerk)
    manual_key = client.get(ENROL).context["manual_key"]
    wrong = f"{(int(code_from_manual_key(manual_key)) + 1) % 1_000_000:06d}"

    response = client.post(ENROL, {"code": wrong})

    assert response.status_code == 200
    assert "Der Code stimmt nicht." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()
    assert client.get(reverse("dashboard"))["Location"].startswith(ENROL)


def test_the_key_survives_reloading_the_enrolment_page(client, two_factor, clerk):
    sign_in(client, clerk)
    assert client.get(ENROL).context["manual_key"] == client.get(ENROL).context["manual_key"]


def test_enrolled_user_signs_in_with_the_app_code(client, two_factor, approver):
    device = enrolled(approver)
    sign_in(client, approver)
    assert client.get(reverse("grants:decision_queue"))["Location"].startswith(STEP)

    response = client.post(STEP, {"code": device_code(device), "next": reverse("grants:decision_queue")})

    assert response.status_code == 302 and response["Location"] == reverse("grants:decision_queue")
    assert client.get(reverse("grants:decision_queue")).status_code == 200
    assert actions(approver) == ["accounts.sign_in.password", "accounts.sign_in.completed"]


def test_a_wrong_code_is_refused_and_audited(client, two_factor, approver):
    device = enrolled(approver)
    sign_in(client, approver)
    wrong = f"{(int(device_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(STEP, {"code": wrong})

    assert response.status_code == 200
    assert "Der Code stimmt nicht" in response.content.decode()
    assert client.get(reverse("dashboard"))["Location"].startswith(STEP)
    assert "accounts.second_factor.failed" in actions(approver)


def test_a_backup_code_works_exactly_once(client, two_factor, clerk):
    codes = enrol_through_the_pages(client, clerk)
    client.post(reverse("logout"))

    sign_in(client, clerk)
    first = client.post(STEP, {"code": codes[0]})
    assert first.status_code == 302
    assert client.get(reverse("grants:review_queue")).status_code == 200
    assert StaticToken.objects.filter(device__user=clerk).count() == 9
    client.post(reverse("logout"))

    sign_in(client, clerk)
    again = client.post(STEP, {"code": codes[0]})
    assert again.status_code == 200
    assert client.get(reverse("grants:review_queue"))["Location"].startswith(STEP)
    assert "accounts.second_factor.backup_code_used" in actions(clerk)


def test_new_backup_codes_replace_the_old_ones(client, two_factor, clerk):
    old = enrol_through_the_pages(client, clerk)

    new = client.post(reverse("accounts:backup_codes")).context["codes"]

    tokens = set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)
    assert "accounts.second_factor.backup_codes_renewed" in actions(clerk)


def test_coordinator_without_second_factor_is_not_asked(client, two_factor, coordinator_a):
    sign_in(client, coordinator_a)
    assert client.get(reverse("grants:application_list")).status_code == 200


def test_coordinator_who_enrols_on_her_account_page_is_asked_from_then_on(client, two_factor, coordinator_a):
    enrol_through_the_pages(client, coordinator_a)
    assert ENROL not in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("logout"))

    sign_in(client, coordinator_a)

    assert client.get(reverse("grants:application_list"))["Location"].startswith(STEP)


def test_a_remembered_browser_skips_the_code_for_the_configured_days(client, two_factor, approver):
    two_factor.TWO_FACTOR_REMEMBER_DAYS = 7
    device = enrolled(approver)
    sign_in(client, approver)
    response = client.post(STEP, {"code": device_code(device), "remember": "on"})
    cookie = response.cookies["wf_2fa_geraet"]
    assert int(cookie["max-age"]) == 7 * 86400 and cookie["httponly"]
    client.post(reverse("logout"))

    sign_in(client, approver)
    assert client.get(STEP)["Location"] == reverse("dashboard")
    assert client.get(reverse("grants:decision_queue")).status_code == 200


def test_a_remembered_browser_asks_again_after_a_password_change(client, two_factor, approver):
    two_factor.TWO_FACTOR_REMEMBER_DAYS = 7
    device = enrolled(approver)
    sign_in(client, approver)
    client.post(STEP, {"code": device_code(device), "remember": "on"})
    client.post(reverse("logout"))
    approver.set_password("ein-ganz-neues-passwort-2026")
    approver.save()

    sign_in(client, approver, password="ein-ganz-neues-passwort-2026")

    assert client.get(STEP).status_code == 200


def test_without_remember_days_no_choice_and_no_cookie(client, two_factor, approver):
    device = enrolled(approver)
    sign_in(client, approver)
    assert "remember" not in client.get(STEP).context["form"].fields
    response = client.post(STEP, {"code": device_code(device), "remember": "on"})
    assert "wf_2fa_geraet" not in response.cookies


def test_administrator_resets_a_lost_phone_and_the_user_enrols_again(client, two_factor, admin_user, clerk):
    enrolled(clerk)
    admin_client = signed_in_fully(Client(), admin_user, enrolled(admin_user))

    response = admin_client.post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_second_factor", "_selected_action": [clerk.pk]}, follow=True)

    assert "ist zurückgesetzt" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    entry = AuditEntry.objects.get(action="accounts.second_factor.reset", object_id=clerk.pk)
    assert entry.actor == admin_user
    sign_in(client, clerk)
    assert client.get(reverse("dashboard"))["Location"].startswith(ENROL)


def test_a_clerk_cannot_reset_anyones_second_factor(clerk, approver):
    enrolled(approver)
    with pytest.raises(DomainError):
        second_factor_reset(user=approver, actor=clerk)
    assert TOTPDevice.objects.filter(user=approver).exists()


def test_programme_administration_can_reset(programme_admin, approver):
    enrolled(approver)
    assert second_factor_reset(user=approver, actor=programme_admin) == 1


def test_otp_devices_have_no_admin_pages_of_their_own(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_qr_code_is_an_svg_without_inline_style_attributes(client, two_factor, clerk):
    sign_in(client, clerk)
    client.get(ENROL)
    svg = client.get(reverse("accounts:enrol_qr")).content.decode()
    assert not re.search(r"\sstyle=", svg)



def test_programme_administration_resets_on_its_own_page(client, two_factor, programme_admin, approver):
    enrolled(approver)
    signed_in_fully(client, programme_admin, enrolled(programme_admin))
    url = reverse("accounts:second_factor_admin")
    assert approver.username in client.get(url).content.decode()

    response = client.post(url, {"user": approver.pk}, follow=True)

    assert "ist zurückgesetzt" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=approver).exists()
    assert AuditEntry.objects.get(action="accounts.second_factor.reset", object_id=approver.pk).actor == programme_admin


def test_the_reset_page_asks_for_a_fresh_sign_in(client, two_factor, programme_admin):
    signed_in_fully(client, programme_admin, enrolled(programme_admin), seconds_ago=16 * 60)
    response = client.get(reverse("accounts:second_factor_admin"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauthenticate"))


@pytest.mark.parametrize("fixture", ["clerk", "approver", "coordinator_a"])
def test_other_roles_cannot_open_the_reset_page(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("accounts:second_factor_admin")).status_code == 403
    assert client.post(reverse("accounts:second_factor_admin"), {"user": "1"}).status_code == 403


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "-1"])
def test_the_reset_page_answers_bad_input_in_german(client, programme_admin, value):
    client.force_login(programme_admin)
    response = client.post(reverse("accounts:second_factor_admin"), {"user": value}, follow=True)
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Person aus der Liste." in response.content.decode()

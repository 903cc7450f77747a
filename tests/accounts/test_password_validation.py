"""Passwords: at least 12 characters for ministry roles and staff, Django's 8 for coordinators;
the common-password check for everyone."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def codes(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("fixture", ["clerk", "approver", "programme_admin"])
def test_ministry_passwords_need_twelve_characters(request, fixture):
    user = request.getfixturevalue(fixture)
    assert codes("Tk7#vQ2!mZp", user) == {"password_too_short_for_role"}  # 11
    assert codes("Tk7#vQ2!mZpx", user) == set()  # 12


def test_staff_coordinator_needs_twelve_too(coordinator_a):
    coordinator_a.is_staff = True
    assert codes("Tk7#vQ2!mZp", coordinator_a) == {"password_too_short_for_role"}


def test_coordinators_keep_the_minimum_of_eight(coordinator_a):
    assert codes("Tk7#vQ2!", coordinator_a) == set()
    assert codes("Tk7#vQ2", coordinator_a) == {"password_too_short"}


def test_common_passwords_are_refused_for_ministry_roles(clerk):
    assert "password_too_common" in codes("qwerty123456", clerk)


def test_the_password_change_form_applies_the_rule(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("password_change"), {
        "old_password": "test-passwort-2026", "new_password1": "Tk7#vQ2!mZp", "new_password2": "Tk7#vQ2!mZp"})
    assert response.status_code == 200
    assert "mindestens 12 Zeichen" in response.content.decode()


import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Capability, Role
from tests import factories


def test_coordinator_without_body_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ohne-koerperschaft", role=Role.KOORDINATION, municipality=None)
    assert not User.objects.filter(username="ohne-koerperschaft").exists()


@pytest.mark.parametrize("role", [Role.SACHBEARBEITUNG, Role.BEWILLIGUNG, Role.PROGRAMMVERWALTUNG])
def test_ministry_user_with_a_body_is_refused_by_the_database(role, body_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ministerium-mit-kreis", role=role, municipality=body_a)
    assert not User.objects.filter(username="ministerium-mit-kreis").exists()


def test_coordinator_belongs_to_exactly_her_body(coordinator_a, body_a):
    assert coordinator_a.municipality == body_a
    assert coordinator_a.is_coordinator


def test_coordinator_can_apply(coordinator_a):
    assert coordinator_a.can(Capability.APPLY)


@pytest.mark.parametrize("capability", [Capability.REVIEW, Capability.DECIDE, Capability.PREPARE_PAYMENT,
                                        Capability.RELEASE_PAYMENT, Capability.ISSUE_NOTICE,
                                        Capability.MANAGE_PROGRAMME, Capability.VIEW_ALL])
def test_coordinator_cannot_act_for_the_ministry(coordinator_a, capability):
    assert not coordinator_a.can(capability)


@pytest.mark.parametrize("capability", [Capability.REVIEW, Capability.PREPARE_PAYMENT, Capability.VIEW_ALL])
def test_clerk_can_review_prepare_payments_and_see_all(clerk, capability):
    assert clerk.can(capability)


@pytest.mark.parametrize("capability", [Capability.DECIDE, Capability.RELEASE_PAYMENT, Capability.ISSUE_NOTICE,
                                        Capability.APPLY, Capability.MANAGE_PROGRAMME])
def test_clerk_cannot_decide_release_issue_apply_or_manage(clerk, capability):
    assert not clerk.can(capability)


@pytest.mark.parametrize("capability", [Capability.DECIDE, Capability.RELEASE_PAYMENT, Capability.ISSUE_NOTICE,
                                        Capability.REVIEW, Capability.PREPARE_PAYMENT, Capability.VIEW_ALL])
def test_approver_can_decide_release_and_issue_notices(approver, capability):
    assert approver.can(capability)


@pytest.mark.parametrize("capability", [Capability.APPLY, Capability.MANAGE_PROGRAMME])
def test_approver_cannot_apply_or_manage_programmes(approver, capability):
    assert not approver.can(capability)


def test_programme_admin_manages_programmes(programme_admin):
    assert programme_admin.can(Capability.MANAGE_PROGRAMME)


@pytest.mark.parametrize("capability", [Capability.APPLY, Capability.REVIEW, Capability.DECIDE,
                                        Capability.PREPARE_PAYMENT, Capability.RELEASE_PAYMENT,
                                        Capability.ISSUE_NOTICE])
def test_programme_admin_cannot_touch_applications_or_payments(programme_admin, capability):
    assert not programme_admin.can(capability)


@pytest.mark.parametrize("role", list(Role))
def test_inactive_user_has_no_capabilities(role, body_a):
    user = factories.make_user(f"inaktiv-{role}", role, body_a if role == Role.KOORDINATION else None,
                               is_active=False)
    assert not any(user.can(capability) for capability in Capability)


def test_user_without_role_has_no_capabilities(db):
    user = User(username="ohne-rolle", role="")
    assert not any(user.can(capability) for capability in Capability)

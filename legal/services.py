"""Writes of the legal pages: publishing a new text, receiving feedback on accessibility."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, Role
from audit.services import audit_log
from background.outbox import outbox_enqueue, outbox_key
from core.errors import FieldErrors, NotPermitted
from legal.defaults import default_text
from legal.models import AccessibilityFeedback, LegalPage, LegalPageVersion
from legal.selectors import legal_text


def legal_page_publish(*, kind: str, title: str, body: str, note: str = "", user: User | None) -> LegalPageVersion:
    """Publish a new text of the page `kind` as its next version (the old ones stay). `user`
    None: the system (the demo seed), which only ever writes the first version."""
    if user is not None and not user.can(Capability.MANAGE_PROGRAMME):
        raise NotPermitted(_("Nur die Programmverwaltung kann die Rechtstexte bearbeiten."))
    title, body = title.strip(), body.strip()
    errors = {}
    if not title:
        errors["title"] = [_("Bitte geben Sie eine Überschrift ein.")]
    if not body:
        errors["body"] = [_("Bitte geben Sie den Text der Seite ein.")]
    if errors:
        raise FieldErrors(errors)
    before = legal_text(kind)
    with transaction.atomic():
        page, _created = LegalPage.objects.get_or_create(kind=kind)
        page = LegalPage.objects.select_for_update().get(pk=page.pk)
        latest = page.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = LegalPageVersion.objects.create(page=page, number=latest + 1, title=title, body=body,
                                                  note=note.strip(), created_by=user)
        changes = {}
        if before.title != title:
            changes["title"] = [before.title, title]
        if before.body != body:
            changes["body"] = [before.body, body]
        audit_log(actor=user, action="legal.page.published", target=page, changes=changes,
                  data={"version": version.number, "note": version.note})
    return version


def legal_pages_ensure_defaults() -> list[LegalPageVersion]:
    """Publish the default text of every page that has none yet (the demo seed); idempotent."""
    created = []
    for kind in LegalPage.Kind.values:
        if not LegalPageVersion.objects.filter(page__kind=kind).exists():
            title, body = default_text(kind)
            created.append(legal_page_publish(kind=kind, title=title, body=body, user=None,
                                              note=_("Ausgangsfassung")))
    return created


def programme_administration_addresses() -> list[str]:
    return sorted(set(User.objects.filter(role=Role.PROGRAMMVERWALTUNG, is_active=True)
                      .exclude(email="").values_list("email", flat=True)))


def accessibility_feedback_submit(*, message: str, name: str = "", email: str = "", page_address: str = "",
                                  user: User | None = None) -> AccessibilityFeedback:
    """Store the message and tell the programme administration by e-mail (through the outbox)."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            message=message.strip(), name=name.strip(), email=email.strip(), page_address=page_address.strip(),
            user=user if user is not None and user.is_authenticated else None)
        recipients = programme_administration_addresses()
        if recipients:
            outbox_enqueue(key=outbox_key(f"legal:feedback:{feedback.pk}"), event="accessibility_feedback",
                           to=recipients, template="accessibility_feedback",
                           context={"feedback": feedback,
                                    "link": settings.SITE_URL.rstrip("/") + reverse("legal:admin_overview")})
    return feedback

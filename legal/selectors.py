"""Reads of the legal pages: the text in force, its history, the feedback received."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from legal.defaults import default_text
from legal.models import AccessibilityFeedback, LegalPage, LegalPageVersion


@dataclass(frozen=True)
class LegalText:
    kind: str
    title: str
    body: str
    number: int | None  # None: the default text, never published on the site
    published_at: datetime | None


def legal_text(kind: str) -> LegalText:
    """The text a page shows now: its latest published version, else the default."""
    version = (LegalPageVersion.objects.filter(page__kind=kind).select_related("page")
               .order_by("-number").first())
    if version is not None:
        return LegalText(kind, version.title, version.body, version.number, version.created_at)
    title, body = default_text(kind)
    return LegalText(kind, title, body, None, None)


def legal_versions(kind: str) -> QuerySet[LegalPageVersion]:
    return LegalPageVersion.objects.filter(page__kind=kind).select_related("created_by").order_by("-number")


def legal_pages_overview() -> list[dict]:
    """Each page with the text in force, for the programme administration's overview."""
    return [{"kind": kind, "label": label, "text": legal_text(kind)} for kind, label in LegalPage.Kind.choices]


def feedback_recent(limit: int = 50) -> QuerySet[AccessibilityFeedback]:
    return AccessibilityFeedback.objects.select_related("user").order_by("-created_at", "-pk")[:limit]

"""What a period can hand over to the archive and what it has handed over already."""

from django.db.models import QuerySet

from grants.models import Award, CaseFileTransfer, FundingProgramme


def closed_awards(programme: FundingProgramme) -> QuerySet[Award]:
    """The grants of the period closed by grants/services/closing.py, by file reference."""
    return (Award.objects.filter(application__programme=programme, status=Award.Status.CLOSED)
            .select_related("application__municipality", "closed_by").order_by("application__file_reference"))


def transfers_of(programme: FundingProgramme) -> QuerySet[CaseFileTransfer]:
    return CaseFileTransfer.objects.filter(programme=programme).select_related("created_by").order_by(
        "-created_at", "-pk")


def archived_on(programme: FundingProgramme) -> dict[int, CaseFileTransfer]:
    """Application id → its latest Aussonderung to the archive (of those handed over at all)."""
    latest: dict[int, CaseFileTransfer] = {}
    transfers = (transfers_of(programme).filter(message_type=CaseFileTransfer.MessageType.AUSSONDERUNG)
                 .prefetch_related("applications"))
    for transfer in transfers:
        for application in transfer.applications.all():
            latest.setdefault(application.pk, transfer)
    return latest

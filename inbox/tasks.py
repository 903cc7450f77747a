"""The daily digest on the worker (beat schedule "digests-daily"); safe to run twice."""

from celery import shared_task


@shared_task(name="inbox.digests_send")
def digests_send() -> dict[str, int]:
    from inbox.services import digests_send as send

    summary = send()
    return {"sent": len(summary.sent), "already_sent": summary.already_sent}

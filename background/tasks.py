"""Celery tasks. Each one is safe to run twice and to retry: the outbox sends a record at
most once, a job runs only from "wartet", the reminders record each reminder once.

acks_late with reject_on_worker_lost (settings): a task whose worker dies is given to
another worker instead of being lost – which is why every task here must be idempotent.
"""

import logging

from celery import shared_task

from background import jobs, outbox

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="background.outbox_send", max_retries=None)
def outbox_send(self, mail_id: int) -> str:
    """Send one outbox mail; when the server refuses, retry with exponential backoff."""
    outcome = outbox.outbox_deliver(mail_id)
    if outcome is outbox.Delivery.FAILED and not self.request.is_eager:
        # Still pending (not yet given up): come back later. Eagerly (no broker) the
        # periodic task or `manage.py send_outbox` takes it up instead of a busy loop here.
        from background.models import OutboxMail

        mail = OutboxMail.objects.filter(pk=mail_id, status=OutboxMail.Status.PENDING).first()
        if mail is not None:
            raise self.retry(countdown=outbox.retry_delay(mail.attempts))
    return outcome.value


@shared_task(name="background.outbox_resend_pending")
def outbox_resend_pending() -> dict[str, int]:
    """Periodic: send every pending mail whose next attempt is due."""
    counts = outbox.outbox_send_due()
    return {delivery.value: count for delivery, count in counts.items()}


@shared_task(name="background.job_run")
def job_run(job_id: int) -> str:
    """Run one job; a second delivery of the same job does nothing."""
    return jobs.job_run(job_id=job_id)


@shared_task(name="background.reminders_send")
def reminders_send() -> dict[str, int]:
    """Periodic (daily): queue the deadline reminders due today."""
    from grants.services.reminders import reminders_send as send

    summary = send()
    return {"queued": len(summary.sent), "already_sent": summary.already_sent}

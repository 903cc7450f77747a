from django.db import IntegrityError, transaction

from grants.models import NumberSequence


def number_next(*, key: str) -> int:
    """Draw the next number of a sequence; gap-free and unique also under concurrency.

    Must run inside the transaction that uses the number: if it rolls back, so does the
    draw. The row lock serialises concurrent drawers on PostgreSQL.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next muss innerhalb einer Transaktion aufgerufen werden.")
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(key=key)
    except IntegrityError:
        pass  # a concurrent transaction created it first; lock it below
    sequence = NumberSequence.objects.select_for_update().get(key=key)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value

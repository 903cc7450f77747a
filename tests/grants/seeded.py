"""One seeded demo (`manage.py seed_demo`) shared by every test that only reads it.

The full seed takes a while (about 18 s on a quiet machine: 30 notices rendered as PDF/A,
thousands of rows), so it is built at most once per run of consecutive tests that use the
`seeded` fixture – `TestSeededDemo` and `TestDemoNotices`, which `make test` runs one after
the other in one process (the group `seeded-demo` in tests/xdist_groups.py). It is built
inside a transaction that stays open while those tests run (each test's own changes are rolled
back after it, as usual, in a savepoint) and is rolled back before any other test runs
(tests/grants/conftest.py), so no other test ever sees the demo.

The seed runs as `manage.py seed_demo` would: with DEBUG on, and the on-commit callbacks it
registers (mails, jobs) executed at its end, as after the command's commit.
"""

from dataclasses import dataclass, field
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings


@dataclass
class SeededDemo:
    output: str  # what the command printed
    mails: list = field(default_factory=list)  # e-mails sent by the seed and its on-commit callbacks


class _Holder:
    def __init__(self):
        self.demo: SeededDemo | None = None
        self._outer = None
        self._blocker = None

    def open(self, django_db_blocker) -> SeededDemo:
        if self.demo is not None:
            return self.demo
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                mail.outbox = []
                out = StringIO()
                with override_settings(DEBUG=True), TestCase.captureOnCommitCallbacks(execute=True):
                    call_command("seed_demo", stdout=out)
                demo = SeededDemo(output=out.getvalue(), mails=list(mail.outbox))
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        self._outer, self._blocker, self.demo = outer, django_db_blocker, demo
        return demo

    def close(self) -> None:
        if self._outer is None:
            return
        outer, blocker = self._outer, self._blocker
        self._outer = self._blocker = self.demo = None
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


SEEDED = _Holder()

"""The Celery application: configured from Django's settings (every `CELERY_*` setting),
tasks found in each app's `tasks.py`.

Start a worker with `make worker` and the scheduler with `make beat` (see README,
"Hintergrundaufgaben"). Without CELERY_BROKER_URL the settings turn on
CELERY_TASK_ALWAYS_EAGER: tasks then run in the web process, after the transaction that
asked for them has committed, so `make run` needs no broker.
"""

import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")

app = Celery("wirfunding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect(dispatch_uid="files.discard_uncommitted_after_task")
def discard_uncommitted_files(**kwargs) -> None:
    """Objects a task wrote to object storage inside a transaction that rolled back are deleted
    when the task ends, as they are when a web request ends (files.pending)."""
    from files.pending import discard_uncommitted

    discard_uncommitted()

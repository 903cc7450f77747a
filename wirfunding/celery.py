"""The Celery application: configured from Django's settings (every `CELERY_*` setting),
tasks found in each app's `tasks.py`.

Start a worker with `make worker` and the scheduler with `make beat` (see README,
"Hintergrundaufgaben"). Without CELERY_BROKER_URL the settings turn on
CELERY_TASK_ALWAYS_EAGER: tasks then run in the web process, after the transaction that
asked for them has committed, so `make run` needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")

app = Celery("wirfunding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

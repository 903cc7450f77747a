"""Jobs as a person may see them. The owner sees the own jobs; ministry staff (view_all)
also see the other ministry staff's jobs, since every kind of job so far works on ministry
objects (ceremonies, programmes). Anyone else: 404, as for an object that does not exist."""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.roles import Capability
from background.models import Job

MINISTRY_KINDS = (Job.Kind.CEREMONY_PRESENTATION, Job.Kind.CEREMONY_BUNDLE, Job.Kind.NOTICE_ARCHIVE,
                  Job.Kind.XDOMEA_ABGABE)
# The hand-over of a period's closed grants to the archive is the programme administration's.
PROGRAMME_KINDS = (Job.Kind.XDOMEA_AUSSONDERUNG,)


def jobs_visible_to(user) -> QuerySet[Job]:
    visible = Q(user=user)
    if user.can(Capability.VIEW_ALL):
        visible |= Q(kind__in=MINISTRY_KINDS)
    if user.can(Capability.MANAGE_PROGRAMME):
        visible |= Q(kind__in=PROGRAMME_KINDS)
    return Job.objects.filter(visible)


def own_jobs(user) -> QuerySet[Job]:
    return Job.objects.filter(user=user).order_by("-created_at", "-pk")


def get_job_for_user(user, key: uuid.UUID) -> Job:
    job = jobs_visible_to(user).select_related("user").filter(uuid=key).first()
    if job is None:
        raise Http404(_("Diesen Auftrag gibt es nicht."))
    return job

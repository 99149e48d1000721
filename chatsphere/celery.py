"""Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from chatsphere.log_context import bind_task, unbind_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsphere.settings")

app = Celery("chatsphere")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
task_prerun.connect(bind_task, weak=False)
task_postrun.connect(unbind_task, weak=False)

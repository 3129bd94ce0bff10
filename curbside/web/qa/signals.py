"""Edits made outside an import (the admin, later the answering flow) reach the index too."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from curbside.web.qa import indexing
from curbside.web.qa import models as m


@receiver(post_save, sender=m.Thread)
@receiver(post_delete, sender=m.Thread)
def thread_changed(sender, instance, **kwargs):
    indexing.record_change([instance.pk], "delete" if kwargs.get("signal") is post_delete else "update")


@receiver(post_save, sender=m.Reply)
@receiver(post_delete, sender=m.Reply)
def reply_changed(sender, instance, **kwargs):
    indexing.record_change([instance.thread_id])

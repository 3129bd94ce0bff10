"""Edits made outside an import (the admin, later the answering flow) reach the index too."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from curbside.web.qa import indexing
from curbside.web.qa import models as m


@receiver(post_save, sender=m.Thread)
@receiver(post_delete, sender=m.Thread)
def thread_changed(sender, instance, **kwargs):
    deleted = kwargs.get("signal") is post_delete
    # Only answered threads are searchable: a new question waiting in the queue changes no
    # index, but publishing or unpublishing one (a save of "status") does.
    update_fields = kwargs.get("update_fields") or ()
    if deleted or instance.status == "answered" or "status" in update_fields:
        indexing.record_change([instance.pk], "delete" if deleted else "update")


@receiver(post_save, sender=m.Reply)
@receiver(post_delete, sender=m.Reply)
def reply_changed(sender, instance, **kwargs):
    indexing.record_change([instance.thread_id])
    if kwargs.get("signal") is post_save and not kwargs.get("raw"):
        # A reply published on the site: build its More Info after the index knows it.
        from curbside.web.qa import enrichment

        enrichment.record_enrichment([instance.thread_id])

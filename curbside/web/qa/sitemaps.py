"""sitemap.xml: every public reading page, with the date its content last changed.

Only answered, fully held threads are listed (excerpts are reachable but, as on the
site's own lists, never listed). Guides have no date of their own yet, so they carry no
lastmod rather than an invented one.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from curbside.web.qa import models as m
from curbside.web.qa import pages

LISTED = {"status": "answered", "excerpt": False}


def listed_reply_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}thread__{field}": value for field, value in LISTED.items()})


class LatestOfItems(Sitemap):
    """The index's lastmod for a section: its newest item, skipping items with no date."""

    def get_latest_lastmod(self):
        return max(filter(None, map(self.lastmod, self.items())), default=None)


class HomeSitemap(LatestOfItems):
    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return m.Reply.objects.filter(listed_reply_filter("")).aggregate(latest=Max("replied_at"))["latest"]


class ThreadSitemap(Sitemap):
    def items(self):
        return (m.Thread.objects.filter(**LISTED).select_related("reply")
                .only("id", "title", "asked_at", "reply__replied_at").order_by("id"))

    def location(self, item):
        return pages.thread_url(item)

    def lastmod(self, item):
        reply = getattr(item, "reply", None)
        return (reply.replied_at if reply else None) or item.asked_at

    def get_latest_lastmod(self):
        # One query instead of reading every thread, which matters at 50,000 threads and more.
        return HomeSitemap().lastmod("home")


class TopicSitemap(LatestOfItems):
    def items(self):
        latest = Max("thread_topics__thread__reply__replied_at", filter=listed_reply_filter("thread_topics__"))
        return m.Topic.objects.annotate(latest=latest).order_by("id")

    def location(self, item):
        return reverse("topic", args=[item.id])

    def lastmod(self, item):
        return item.latest


class SpecialtySitemap(LatestOfItems):
    def items(self):
        latest = Max("doctors__replies__replied_at", filter=listed_reply_filter("doctors__replies__"))
        return m.Specialty.objects.annotate(latest=latest).order_by("id")

    def location(self, item):
        return reverse("specialty", args=[item.id])

    def lastmod(self, item):
        return item.latest


class GuideSitemap(Sitemap):
    def items(self):
        return m.Guide.objects.only("id").order_by("id")

    def location(self, item):
        return reverse("guide", args=[item.id])


SITEMAPS = {"pages": HomeSitemap, "threads": ThreadSitemap, "topics": TopicSitemap,
            "specialties": SpecialtySitemap, "guides": GuideSitemap}

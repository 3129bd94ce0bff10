"""sitemap.xml and robots.txt.

/sitemap.xml is an index of one sitemap per kind of page, each paginated at the
protocol's 50,000 addresses, so a large site stays within what crawlers accept.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from curbside.web.qa import views
from curbside.web.qa.sitemaps import SITEMAPS

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

# The operator dashboard for moderators.
from django.urls import path

from curbside.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("<slug:name>.csv", views.export, name="export"),
]

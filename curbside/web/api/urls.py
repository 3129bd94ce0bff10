# The versioned JSON API (django-ninja): filled in by curbside/web/api/.
urlpatterns = []

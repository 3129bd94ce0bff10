# The operator dashboard for moderators.
urlpatterns = []

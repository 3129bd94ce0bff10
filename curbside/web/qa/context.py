from django.conf import settings

DISCLAIMER = (
    "Curbside gives general health information, not a diagnosis or a treatment plan. "
    "Answers are written for the person who asked and may not fit you: see a doctor about "
    "your own health. In an emergency, call your local emergency number now."
)


def site(request):
    return {"site_name": settings.SITE_NAME, "disclaimer": DISCLAIMER}

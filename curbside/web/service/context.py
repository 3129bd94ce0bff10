from curbside.web.service.workflow import active_doctor, role_of


def account(request):
    """Who is looking, for the navigation: their role and whether they can answer."""
    user = getattr(request, "user", None)
    if user is None:
        return {"role": "anonymous", "can_answer": False}
    return {"role": role_of(user), "can_answer": active_doctor(user) is not None}

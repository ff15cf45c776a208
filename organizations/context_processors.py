from organizations.access import staff_profile


def account(request):
    """The signed-in account's organisation and role, for the page header."""
    return {"kcn_profile": staff_profile(getattr(request, "user", None))}

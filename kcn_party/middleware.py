from kcn_party import actor


class VietnameseByDefaultMiddleware:
    """Committee staff often run browsers set to English; the interface must still open in
    Vietnamese. English comes only from an explicit choice (the language cookie set by the
    switcher), so the browser's Accept-Language is ignored. Placed before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ActorMiddleware:
    """The signed-in account is the one acting for the whole request (kcn_party.actor): the
    records of a change (reports' corrections of closed periods) name it. Placed after the
    authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with actor.acting(getattr(request, "user", None)):
            return self.get_response(request)

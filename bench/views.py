from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """Answer "ok" and the member's name: a health check through login and every middleware.

    Load balancers can probe it with a session, and the benchmark uses it as the
    floor: the lightest page the site serves to a logged-in member.
    """
    return HttpResponse(f"ok {request.user.get_username()}\n", content_type="text/plain")

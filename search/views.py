from django.shortcuts import render

from .models import Kind
from .query import search


def results(request):
    """Search everything the member may see: /search/?q=…&kind=papers&page=2."""
    query = request.GET.get("q", "")
    outcome = search(
        request.user, query, kind=request.GET.get("kind"), page=request.GET.get("page", 1)
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "results": outcome,
            "query": outcome.query,
            "kinds": Kind,
            "page_obj": outcome.page,
            "querystring": params.urlencode(),
        },
    )

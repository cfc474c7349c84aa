from django.shortcuts import render

from notes.models import ReadingStatus

from .models import Kind
from .query import search


def results(request):
    """Search everything the member may see: /search/?q=…&kind=papers&page=2."""
    query = request.GET.get("q", "")
    outcome = search(
        request.user, query, kind=request.GET.get("kind"), page=request.GET.get("page", 1)
    )
    # The member's reading status beside each paper found, in one query.
    papers = [hit for group in outcome.groups for hit in group.hits if hit.kind == Kind.PAPER]
    statuses = (
        dict(
            ReadingStatus.objects.of(request.user)
            .filter(paper_id__in=[hit.object_id for hit in papers])
            .values_list("paper_id", "status")
        )
        if papers
        else {}
    )
    for hit in papers:
        hit.status = statuses.get(hit.object_id, "")
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

from functools import partial

from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from core import pagecache
from notes import audience
from notes.templatetags.reading_status import status_slots
from papers.filters import Choices, unknown_choices

from .models import Kind
from .query import KIND_LABELS, MAX_QUERY, cuts_a_word, is_shortened, normalised, search


def results(request):
    """Search everything the member may see: /search/?q=…&kind=papers&page=2.

    The results are kept once for every member who may read the same notes and
    meetings (notes.audience: kept per member), until any content or the index changes
    (the content generation): the search runs only when they are not in the cache."""
    query = request.GET.get("q", "")
    outcome = SimpleLazyObject(
        lambda: search(
            request.user, query, kind=request.GET.get("kind"), page=request.GET.get("page", 1)
        )
    )
    params = request.GET.copy()
    params.pop("page", None)
    shown_query = normalised(query)
    return render(
        request,
        "search/results.html",
        {
            "results": outcome,
            "query": shown_query,
            "shortened": MAX_QUERY if is_shortened(query) else None,
            "word_cut": cuts_a_word(query),
            "kinds": Kind,
            "page_obj": SimpleLazyObject(lambda: outcome.page),
            "querystring": params.urlencode(),
            "own_search_form": True,  # in place of the header's (core.templatetags.header)
            # A kind of the address that is none (an old link's): said, every kind shown.
            "unknown_filters": unknown_choices(
                params if shown_query else {},
                {
                    "kind": Choices(
                        KIND_LABELS,
                        _("No kind of result is called “%(value)s”: every kind is shown."),
                        ignored=True,
                    )
                },
            ),
            # What the results' fragment is kept under, asked only when it is kept
            # (the template calls them).
            "audience": partial(audience.audience, request.user),
            "generation": pagecache.generation,
            # The member's reading status beside each paper found: a slot in the shared
            # results, filled for each request from the member's kept statuses.
            "member_slots": status_slots(request),
        },
    )

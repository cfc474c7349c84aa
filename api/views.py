"""The page where members make, name, scope and revoke their API tokens."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken


def token_list(request):
    """The member's tokens; POST makes one and shows its secret, this once."""
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(
            request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
        )
        form = TokenForm(user=request.user)
    response = render(
        request,
        "api/apitoken_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.of(request.user),
            "example_url": request.build_absolute_uri("/api/v1/papers?page_size=5"),
        },
    )
    add_never_cache_headers(response)  # the secret must not be kept anywhere
    return response


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.of(request.user).active(), pk=pk)
    token.revoke()
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")

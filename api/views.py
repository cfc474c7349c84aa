"""The page where members make, name, scope and revoke their API tokens."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken

# The session key that holds a token just made, until the page after the redirect shows
# its secret: that view takes it out of the session, so it is shown once.
NEW_TOKEN = "api:new-token"


@sensitive_variables("secret", "new")
def token_list(request):
    """The member's tokens. A POST makes one and redirects here (Post/Redirect/Get, so
    that a reload makes nothing); the next view shows its secret, this once."""
    form = TokenForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        with transaction.atomic():
            # One token at a time per member: a double submit cannot slip two tokens of
            # the same name, or one too many, past the form's checks.
            get_user_model().objects.select_for_update().filter(pk=request.user.pk).first()
            if form.is_valid():
                token, secret = ApiToken.issue(
                    request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
                )
                request.session[NEW_TOKEN] = {"id": token.pk, "secret": secret}
                response = redirect("api:tokens")
                add_never_cache_headers(response)
                return response
    secret = None
    new = request.session.pop(NEW_TOKEN, None) if request.method == "GET" else None
    if new and ApiToken.objects.of(request.user).active().filter(pk=new["id"]).exists():
        secret = new["secret"]
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

"""A member's secret for their private feed addresses, which they can renew or turn off."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_key():
    return secrets.token_urlsafe(32)


class FeedKey(models.Model):
    """The secret behind a member's feed addresses, made the first time they are shown.
    Renewing it (a new key) makes the old addresses invalid; an empty key means the
    member turned their feeds off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_key",
        verbose_name=_("member"),
    )
    key = models.CharField(_("key"), max_length=64, default=new_key, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("feed key")
        verbose_name_plural = _("feed keys")

    def __str__(self):
        return str(self.user)

    def renew(self):
        self.key = new_key()
        self.save(update_fields=["key", "created"])

    def turn_off(self):
        self.key = ""
        self.save(update_fields=["key", "created"])

"""What the site keeps for each member: their feed key, their settings and when they
last came by."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .zones import TimeZoneField


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


class Visit(models.Model):
    """When a member last opened the site's home page, and the visit before: the home page
    marks what is new since then. A visit lasts until the member has been away a while.
    It keeps the interface's language too: the language of the member's e-mails until
    they choose one (MemberSettings.of)."""

    AWAY = timezone.timedelta(minutes=30)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit",
        verbose_name=_("member"),
    )
    seen = models.DateTimeField(_("last seen"))
    since = models.DateTimeField(_("new since"), null=True, blank=True)
    language = models.CharField(_("interface language"), max_length=10, blank=True)

    # Coming by changes no page anyone else sees: the page cache keeps its pages.
    affects_pages = False

    class Meta:
        ordering = ["-seen"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self):
        return f"{self.user} · {self.seen:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, user, now=None, language=""):
        """Note that the member came by (in the interface's ``language``); return when
        their previous visit was (None on their first), the moment after which things
        count as new."""
        now = now or timezone.now()
        visit = cls.objects.filter(user=user).first()
        if visit is None:
            cls.objects.create(user=user, seen=now, since=None, language=language)
            return None
        if now - visit.seen > cls.AWAY:  # a new visit: what was last seen is now old
            visit.since = visit.seen
        visit.seen = now
        visit.language = language or visit.language
        visit.save(update_fields=["seen", "since", "language"])
        return visit.since


class MemberSettings(models.Model):
    """A member's choices for what the site sends them: the language of e-mails, whether
    to get meeting reminders, and the time zone meeting times are shown in (empty: each
    group's own)."""

    class EmailLanguage(models.TextChoices):
        CHINESE = "zh-hans", "中文"
        ENGLISH = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_settings",
        verbose_name=_("member"),
    )
    email_language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=EmailLanguage,
        default=EmailLanguage.CHINESE,
    )
    reminders = models.BooleanField(
        _("meeting reminders by e-mail"),
        default=True,
        help_text=_("The day before a meeting (what to read), and days before your own talk."),
    )
    time_zone = TimeZoneField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: each group's own. An IANA name such as Europe/London."),
    )

    class Meta:
        ordering = ["user"]
        verbose_name = _("member settings")
        verbose_name_plural = _("member settings")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user, guess_language=False, using=None):
        """Return the member's settings, the defaults when they never saved any (unsaved).
        With ``guess_language`` (where the language of e-mails is read), the defaults'
        language is the one the member uses: ``using``, the interface's language of the
        request they are reading in, when there is one (the settings page); else the one
        they last used the site in (their Visit's, recorded by the home page, which a
        member who switched language and went straight to their settings has not seen
        since); else the site's own."""
        if not user.is_authenticated:
            return cls(user=None)
        found = cls.objects.filter(user=user).first()
        if found:
            return found
        defaults = cls(user=user)
        if guess_language:
            used = using
            if used not in cls.EmailLanguage.values:
                used = Visit.objects.filter(user=user).values_list("language", flat=True).first()
            if used in cls.EmailLanguage.values:
                defaults.email_language = used
        return defaults

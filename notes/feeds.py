"""Private Atom feeds: new notes and meetings a member may read, for a feed reader.

A feed reader cannot log in, so each member's feed address carries a token that
names them: their id and an HMAC (as Django's password-reset tokens are made) of
their feed key and password hash under the site's secret key. Nothing of the hash is
in the address; renewing the key (or changing the password) makes old addresses
invalid, and a member without a key has no feed. The feed shows exactly what that
member may read in the site (the same ``visible_to`` rules).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.controls import xml_safe
from core.language import colon, in_interface_language, interface_language
from core.numbers import whole

from . import activity
from .models import FeedKey, Meeting, MemberSettings, Note

SALT = "notes.feeds.FeedKey"
FEED_SIZE = 30
FEED_WORDS = 150  # of each item's rendered text, cut with its HTML kept whole


def _signature(user, key):
    value = f"{user.pk}:{key}:{user.password}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:40]


def token_for(user):
    """Return the member's feed token (making their key the first time), or None when
    they turned their feeds off."""
    feed_key, _created = FeedKey.objects.get_or_create(user=user)
    return f"{user.pk}-{_signature(user, feed_key.key)}" if feed_key.key else None


def user_for(token):
    """Return the active member the token names, or raise 404 (for any bad token alike)."""
    pk, _sep, signature = token.partition("-")
    if (pk := whole(pk)) is None:
        raise Http404
    feed_key = (
        FeedKey.objects.select_related("user").filter(user_id=pk, user__is_active=True).first()
    )
    if (
        feed_key is None
        or not feed_key.key
        or not constant_time_compare(signature, _signature(feed_key.user, feed_key.key))
    ):
        raise Http404
    return feed_key.user


def body_html(record):
    """Return the record's rendered body in the active language (the member's e-mail
    language in a feed), else the other side's."""
    first = interface_language()
    other = "en" if first == "zh" else "zh"
    return getattr(record, f"body_{first}_html") or getattr(record, f"body_{other}_html")


def members_language(user):
    """Write in the member's e-mail language for the block: a feed reader or a calendar
    program sends no language of its own."""
    return translation.override(MemberSettings.of(user, guess_language=True).email_language)


def tag_uri(path):
    """A lasting id for a feed or an entry (RFC 4151): this site's host and a path."""
    return f"tag:{urlsplit(settings.SITE_URL).hostname or 'localhost'},2024:{path}"


class MemberFeed(Feed):
    """A member's feed, written in their e-mail language, as their calendars are (a feed
    reader sends no language of its own): the feed's title and each item's. Atom asks an
    author of every entry: the site is the feed's, where an entry names none. Each feed
    has an id of its own and the member's (its link, the home page for two of them,
    gave every member's meetings and activity feeds one id)."""

    feed_type = Atom1Feed
    author_name = _("LLM Reading Group")
    kind = ""

    def feed_guid(self, user):
        return tag_uri(f"feeds/{self.kind}/{user.pk}")

    def get_feed(self, obj, request):
        # A control character in one record made the whole feed a 500 (core.controls).
        feed = super().get_feed(obj, request)
        feed.feed = {name: xml_safe(value) for name, value in feed.feed.items()}
        feed.items = [
            {name: xml_safe(value) for name, value in item.items()} for item in feed.items
        ]
        return feed

    def __call__(self, request, token):
        request.feed_member = user_for(token)  # read once: get_object() takes it
        with members_language(request.feed_member):
            return super().__call__(request, token=token)

    def get_object(self, request, token):
        return request.feed_member

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated


class NotesFeed(MemberFeed):
    kind = "notes"
    title = _("New notes · LLM Reading Group")
    description = _("Notes you may read, newest first.")

    def link(self, user):
        return reverse("notes:my_notes")

    def items(self, user):
        return Note.objects.visible_to(user).for_list().order_by("-created", "-pk")[:FEED_SIZE]

    def item_title(self, note):
        return in_interface_language(note)

    def item_description(self, note):
        return Truncator(body_html(note)).words(FEED_WORDS, html=True)

    def item_author_name(self, note):
        return note.byline


class MeetingsFeed(MemberFeed):
    kind = "meetings"
    title = _("Meetings · LLM Reading Group")
    description = _("Meetings of your reading groups, newest first.")

    def link(self, user):
        return reverse("reading:home")

    def items(self, user):
        return (
            Meeting.objects.visible_to(user)
            .select_related("group")
            .order_by("-date", "-number")[:FEED_SIZE]
        )

    def item_title(self, meeting):
        return meeting.heading()  # a skipped or moved meeting says so

    def item_description(self, meeting):
        return Truncator(body_html(meeting)).words(FEED_WORDS, html=True)


class ActivityFeed(MemberFeed):
    kind = "activity"
    title = _("What changed · LLM Reading Group")
    description = _(
        "New papers, notes, comments, meetings and reading shared in your groups, newest first."
    )

    def link(self, user):
        return reverse("reading:home")

    def items(self, user):
        return activity.recent(user, size=FEED_SIZE)

    def item_title(self, event):
        """Who did what, on what, and in which group: a member of two groups could not
        tell whose meeting #3 was commented on."""
        who = f"{event.who} " if event.who else ""
        detail = f" · {event.detail}" if event.detail else ""
        group = f" · {in_interface_language(event.group, 'name')}" if event.group else ""
        title = f"{who}{event.verb}{colon()}{event.what}{detail}{group}"
        return " ".join(title.split())  # no stray spaces

    def item_link(self, event):
        return event.url

    def item_guid(self, event):
        """What it is about by kind and key, and when: an address in the id gave an
        event a new id, announced again, when a slug changed."""
        return tag_uri(f"activity/{event.kind}/{event.pk}/{event.when.isoformat()}")

    def item_guid_is_permalink(self, event):
        return False

    def item_description(self, event):
        return ""

    def item_pubdate(self, event):
        return event.when

    def item_updateddate(self, event):
        return event.when

"""Private Atom feeds: new notes and meetings a member may read, for a feed reader.

A feed reader cannot log in, so each member's feed address carries a signed token
that names them; the feed shows exactly what that member may read in the site
(the same ``visible_to`` rules). Changing the password makes old addresses invalid,
since the token is tied to the password hash.
"""

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Note

SALT = "notes.feeds"
FEED_SIZE = 30
FEED_WORDS = 150  # of each item's rendered text, cut with its HTML kept whole


def token_for(user):
    return signing.dumps({"u": user.pk, "p": user.password[-12:]}, salt=SALT, compress=True)


def user_for(token):
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.password[-12:] != data.get("p"):
        raise Http404
    return user


class MemberFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token):
        return user_for(token)

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated


class NotesFeed(MemberFeed):
    title = _("New notes · LLM Reading Group")
    description = _("Notes you may read, newest first.")

    def link(self, user):
        return reverse("notes:my_notes")

    def items(self, user):
        return Note.objects.visible_to(user).for_list().order_by("-created")[:FEED_SIZE]

    def item_title(self, note):
        return str(note.title)

    def item_description(self, note):
        return Truncator(note.body_zh_html or note.body_en_html).words(FEED_WORDS, html=True)

    def item_author_name(self, note):
        return note.byline


class MeetingsFeed(MemberFeed):
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
        return f"{meeting.group.name} #{meeting.number} · {meeting.date:%Y-%m-%d} {meeting.title}"

    def item_description(self, meeting):
        html = meeting.body_zh_html or meeting.body_en_html
        return Truncator(html).words(FEED_WORDS, html=True)

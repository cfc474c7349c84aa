"""Reading groups and their members, with a role each."""

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.addresses import address
from core.compiled import compiled_once
from core.language import in_interface_language, sort_key
from core.models import BilingualDescription, Revised, TimeStamped
from papers.models import Source

from .writing import display_name


class ReadingGroupQuerySet(models.QuerySet):
    def of(self, user):
        """Return the groups the user is a member of (any role)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=in_groups_of(user))

    def visible_to(self, user):
        """Return the groups whose page the user may read: their own (every group for a
        superuser)."""
        return self if user.is_superuser else self.of(user)

    def with_member_counts(self):
        """Return groups with how many members each has (member_count)."""
        return self.annotate(member_count=models.Count("memberships"))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ReadingGroup(BilingualDescription, Revised, TimeStamped):
    """A reading group: its members, meetings and discussions. Its description is in
    each language (``description_zh``, ``description_en``), as a reading list's is: one
    text held both, and the group's page showed it mixed to every reader."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="reading_groups",
        verbose_name=_("members"),
    )
    sources = models.ManyToManyField(Source, blank=True, verbose_name=_("sources"))

    objects = ReadingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("reading group")
        verbose_name_plural = _("reading groups")

    def __str__(self):
        """The name in the interface's language: the admin's lists, filters and choices
        in Chinese named the group in English alone."""
        return in_interface_language(self, "name")

    @property
    def name_en(self):
        """The English name: ``name``, so that ``name_zh`` / ``name_en`` make a pair for
        the pair helpers (``{% pick group "name" %}`` on a page, ``in_interface_language(
        group, "name")`` in an e-mail, a calendar and ``str()``)."""
        return self.name

    def get_absolute_url(self):
        return address("notes:group_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        MEMBER = "member", _("member")

    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    joined = models.DateField(_("joined"), auto_now_add=True)
    # When, to the second: what went in the group before is none of theirs to be told
    # of (api.sync); the day (``joined``) is what the pages show.
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now, editable=False)
    shares_reading = models.BooleanField(
        _("shares reading status"),
        default=True,
        help_text=_(
            "The group's members see what this member has read, is reading or means to read."
        ),
    )

    class GroupUserManager(models.Manager):
        def get_by_natural_key(self, group_slug, username):
            return self.get(group__slug=group_slug, user__username=username)

    objects = GroupUserManager()

    class Meta:
        ordering = ["group", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} · {self.group} ({self.get_role_display()})"

    def natural_key(self):
        return (self.group.slug, self.user.get_username())

    natural_key.dependencies = ["notes.readinggroup", "auth.user"]


def by_member_name(memberships, organisers_first=False):
    """The memberships (their users read with them) in the order of their members' names
    as the pages show them (``display_name``: the full name, else the username), a
    Chinese name by its pinyin (``core.language.sort_key``); the organisers before the
    members with ``organisers_first``. The database orders by username, which a page
    that shows full names would seem to list in no order."""

    def key(membership):
        name = sort_key(display_name(membership.user))
        if organisers_first:
            return (membership.role != Membership.Role.ORGANISER, name)
        return (name,)

    return sorted(memberships, key=key)


def group_ids_of(user):
    """Return the ids of the reading groups the user belongs to (a subquery): unordered,
    since Membership's ordering joins the group and the user to sort by their names
    (the read rules and search's SQL write it as ``in_groups_of``)."""
    return Membership.objects.filter(user=user).order_by().values("group_id")


GROUP_ID = models.IntegerField()  # what in_groups_of gives (made once: a field costs to make)


def in_groups_of(user):
    """Return group_ids_of(user) for ``group__in=``, its SQL compiled once per process
    (``core.compiled``). The read rules (visible_to) write it into most queries of a
    page, nested too (a mention's note and meeting): a queryset used as a value is built
    and compiled anew each time, ~0.2 ms, a tenth of the paper page's Python. The same
    subquery for the database, and no query of its own: its SQL names the table, not an
    alias, so it may be written into any query."""
    return RawSQL(*_group_ids_sql(user.pk), GROUP_ID)


_group_ids_sql = compiled_once(group_ids_of)


def member_ids(*group_ids):
    """The ids of the members of the groups (of none for no group)."""
    group_ids = [pk for pk in group_ids if pk is not None]
    if not group_ids:
        return set()
    rows = Membership.objects.filter(group_id__in=group_ids).values_list("user_id", flat=True)
    return set(rows)

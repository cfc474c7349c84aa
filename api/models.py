"""Personal API tokens, and the library's change log that clients sync from."""

import hashlib
import secrets

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

TOKEN_PREFIX = "rg_"
SHOWN_CHARACTERS = 8  # of the secret, after the prefix: enough to tell tokens apart


def digest(secret):
    """Return the stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked=None)

    def of(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    """A member's personal token for scripts and tools. The secret is shown once, when
    the token is made; only its SHA-256 is kept (and a few characters, to recognise it).
    A token acts as its member, never more: read-only tokens cannot write."""

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope, default=Scope.READ)
    prefix = models.CharField(_("prefix"), max_length=20, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    # Last-used stamps are written at most this often (seconds): reading needs no write.
    STAMP_INTERVAL = 60

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("api:tokens")

    @classmethod
    def issue(cls, user, name, scope):
        """Make a token; return (token, secret). The secret is never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=secret[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
            secret_hash=digest(secret),
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret):
        """Return the active token of an active member with this secret, or None."""
        if not secret or len(secret) > 200:
            return None
        token = (
            cls.objects.active()
            .select_related("user")
            .filter(secret_hash=digest(secret), user__is_active=True)
            .first()
        )
        if token is not None:
            token.stamp()
        return token

    def stamp(self):
        now = timezone.now()
        if self.last_used and (now - self.last_used).total_seconds() < self.STAMP_INTERVAL:
            return
        type(self).objects.filter(pk=self.pk).update(last_used=now)
        self.last_used = now

    def revoke(self):
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])

    @property
    def may_write(self):
        return self.scope == self.Scope.WRITE and self.revoked is None


class LibraryVersion(models.Model):
    """The library's version: one row, a counter moved on by every change to a synced
    record. The UPDATE that moves it holds the row until the change commits, so versions
    are handed out in commit order and a client that synced up to version N never misses
    a change numbered below N that committed later."""

    value = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("library version")
        verbose_name_plural = _("library versions")

    def __str__(self):
        return str(self.value)

    @classmethod
    def next(cls):
        """Move the counter on and return its new value: one statement where the database
        can return what it updated (UPDATE … RETURNING: PostgreSQL, SQLite from 3.35),
        else the update and a read. The row is made first where a test database flushed
        between tests lost the one the migration made."""
        database = connections[router.db_for_write(cls)]
        table = database.ops.quote_name(cls._meta.db_table)
        bump = f"UPDATE {table} SET value = value + 1 WHERE id = 1"
        returning = database.features.can_return_columns_from_insert
        with database.cursor() as cursor:
            for _attempt in range(2):
                cursor.execute(f"{bump} RETURNING value" if returning else bump)
                row = cursor.fetchone() if returning else cls._read(database, cursor)
                if row is not None:
                    return row[0]
                cls.objects.using(database.alias).get_or_create(pk=1)
        raise cls.DoesNotExist("the library version's row could not be made")

    @classmethod
    def _read(cls, database, cursor):
        """The counter's value after an UPDATE without RETURNING, None if it had no row."""
        if cursor.rowcount == 0:
            return None
        return cls.objects.using(database.alias).filter(pk=1).values_list("value").get()

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0


class Restore(models.Model):
    """A restore from a backup (core.backup.restored). The versions after ``restored``
    (the backup's) and before ``resumed`` name no state of this library: the library the
    backup replaced may have gone on past ``restored``, and its clients hold its numbers.
    The counter goes on from ``resumed`` (the time in milliseconds, or more), so that
    such a client is told to fetch everything again (410, api.sync.check_since) instead
    of being answered with the changes that would have reused its numbers."""

    restored = models.BigIntegerField(_("version restored"))
    resumed = models.BigIntegerField(_("version resumed at"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("restore from a backup")
        verbose_name_plural = _("restores from backups")

    def __str__(self):
        return f"{self.restored} → {self.resumed}"


class Change(models.Model):
    """The last change to one synced record (kind and id): saved or deleted, at which
    library version. One row per record: a later change replaces the earlier one, but
    for who could read it (``audience``), which adds up across its changes."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("object id"))
    key = models.CharField(
        pgettext_lazy("a synced record's slug", "key"), max_length=120, blank=True
    )
    version = models.BigIntegerField(_("version"), db_index=True)
    deleted = models.BooleanField(
        pgettext_lazy("whether a synced record was deleted", "deleted"), default=False
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Of a record not everyone may read (api.sync.READERS): who could read it and when,
    # as tokens ("everyone", "g3", "u7"), each with the spans of time in which it named
    # the record's readers ("g3@<from>~<until>@<from>~", microseconds since the epoch; a
    # token of a row written before the spans were kept has none, and a reading status's
    # keeps none: api.sync.record). Sync names such a record deleted, or out of sight,
    # only to those it named then (and to superusers, who read everything). Empty in
    # rows written before it was kept: those name nobody else.
    audience = models.TextField(
        pgettext_lazy("who could read a synced record", "audience"), blank=True, editable=False
    )
    # When the record's first change was logged (its making, since this was kept; None
    # before; its own making for the rows api.0006 wrote for records that had none): a
    # record deleted after a member left its group was theirs to be told of only if it
    # was made before they left.
    born = models.DateTimeField(
        pgettext_lazy("when a synced record was first logged", "first logged"),
        null=True,
        editable=False,
    )

    class Meta:
        ordering = ["version"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_change_per_record")
        ]
        indexes = [models.Index(fields=["kind", "version"], name="change_kind_version")]

    def __str__(self):
        if self.deleted:
            action = pgettext("what befell a synced record", "deleted")
        else:
            action = pgettext("what befell a synced record", "changed")
        return f"{self.kind} {self.key or self.object_id} {action} @{self.version}"


class Departure(models.Model):
    """A reader's loss of what a group gave them to read, kept for sync to tell them it
    is gone (api.sync): a member who left the group, or whose group went (LEFT), and the
    members of a group whose member stopped sharing their reading with it (UNSHARED:
    they lose that member's reading statuses). One row per loss, however many records
    it takes out of sight: a member's leaving rewrote a change row for each of the
    group's records, which failed on PostgreSQL past 65,535 of them. Plain ids, not
    foreign keys: a row outlives its group and is read after the group is gone."""

    class Kind(models.TextChoices):
        LEFT = "left", pgettext_lazy("a departure from a group", "left the group")
        UNSHARED = (
            "unshared",
            pgettext_lazy("a departure from a group", "stopped sharing their reading"),
        )

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    user_id = models.BigIntegerField(_("member"))
    group_id = models.BigIntegerField(_("group"))
    version = models.BigIntegerField(_("version"), db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Since when the member had been in the group (Membership.joined_at): what went
    # before is none of theirs, after they left too.
    joined = models.DateTimeField(_("joined"), null=True)
    # Left because the group itself went: its records went after the membership, in the
    # same deletion, and were theirs to be told of.
    group_gone = models.BooleanField(_("group gone"), default=False)

    class Meta:
        ordering = ["version"]
        verbose_name = _("departure")
        verbose_name_plural = _("departures")

    def __str__(self):
        return f"u{self.user_id} {self.get_kind_display()} g{self.group_id} @{self.version}"

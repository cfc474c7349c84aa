import importlib
import os
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core import limits
from notes.models import Note
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    UserFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _private_cache():
    """A cache in memory for the whole run, set before any fixture: the demo data that
    some packages load once, before their tests' own settings, must neither write into
    the developer's var/cache nor pay the file cache's cost of listing its folder."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Assertions read English; tests of the Chinese interface ask for it explicitly.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def group(db):
    return ReadingGroupFactory()


@pytest.fixture
def member(group):
    return MembershipFactory(group=group).user


@pytest.fixture
def organiser(group):
    return MembershipFactory(group=group, role="organiser").user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def says_unknown(member_client):
    """says_unknown(url, {query: [notice, …]}, in_chinese={query: notice}, known=[query, …]):
    check that the list at url + query says each notice of a value it has not
    (papers.filters.unknown_choices), in English when drawn and again from the shared
    fragment kept for the address, and in Chinese; and that it says none for a known
    value. Return the last page in English."""

    def check(url, notices, in_chinese=None, known=()):
        for query, said in notices.items():
            for _view in range(2):
                response = member_client.get(url + query, HTTP_ACCEPT_LANGUAGE="en")
                for notice in said:
                    assertContains(
                        response,
                        f'<p class="message unknown-filter" role="status">{notice}</p>',
                        html=True,
                    )
        for query, notice in (in_chinese or {}).items():
            assertContains(member_client.get(url + query, HTTP_ACCEPT_LANGUAGE="zh-hans"), notice)
        for query in known:
            assertNotContains(member_client.get(url + query), "unknown-filter")
        return response

    return check


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def world(db):
    """Two groups and one of each role.

    Group A: an organiser, a member (author of three notes), a presenter of meeting
    A's #1. Group B: a member, and a staff member who organises B only. Plus a
    superuser who belongs to neither.
    """
    group_a, group_b = ReadingGroupFactory(slug="group-a"), ReadingGroupFactory(slug="group-b")
    organiser = MembershipFactory(group=group_a, role="organiser").user
    member = MembershipFactory(group=group_a).user
    presenter = MembershipFactory(group=group_a).user
    other = MembershipFactory(group=group_b).user
    staff = UserFactory(is_staff=True)
    MembershipFactory(group=group_b, user=staff, role="organiser")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    meeting = MeetingFactory(group=group_a, number=1)
    meeting.presenters.add(presenter)
    meeting_b = MeetingFactory(group=group_b, number=1)
    visibility = Note.Visibility
    private = NoteFactory(author=member, group=group_a, visibility=visibility.PRIVATE)
    shared = NoteFactory(author=member, group=group_a, visibility=visibility.GROUP)
    public = NoteFactory(author=member, group=group_a, visibility=visibility.EVERYONE)
    note_b = NoteFactory(author=other, group=group_b, visibility=visibility.GROUP)
    return SimpleNamespace(
        group_a=group_a,
        group_b=group_b,
        organiser=organiser,
        member=member,
        presenter=presenter,
        other=other,
        staff=staff,
        superuser=superuser,
        meeting=meeting,
        meeting_b=meeting_b,
        private=private,
        shared=shared,
        public=public,
        note_b=note_b,
        list_a=ReadingListFactory(group=group_a),
        list_b=ReadingListFactory(group=group_b),
        users={
            "member": member,
            "other": other,
            "organiser": organiser,
            "presenter": presenter,
            "staff": staff,
            "superuser": superuser,
        },
    )


def _scripts_module(name):
    """Import scripts/<name>.py with scripts/ on the path, as a script finds its neighbours
    (`from servers import free_port`) when it runs."""
    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    if scripts not in sys.path:
        sys.path.append(scripts)
    return importlib.import_module(name)


@pytest.fixture
def one_window(monkeypatch):
    """The rate limits' clock (core.limits) held ten seconds into today: every window of
    a minute, ten minutes or an hour begins at midnight, so a test's requests are counted
    in one window, not in two when the minute turns over during the test (which made a
    test of five requests a minute see the sixth allowed)."""
    now = time.time() // 86400 * 86400 + 10
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server (temporary folder, free port), stopped afterwards.

    Skipped only where redis-server is not installed, and never in CI (.ci/run installs it).
    """
    if shutil.which("redis-server") is None and not os.environ.get("CI"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with _scripts_module("throwaway_redis").throwaway_redis() as server:
        yield server


@pytest.fixture(scope="session")
def _recorded_server():
    from tests.papers.recorded_server import RecordedServices

    server = RecordedServices()
    yield server
    server.stop()


@pytest.fixture
def recorded_services(_recorded_server, settings):
    """arXiv's API and OAI-PMH interface and doi.org, answering from recorded files on a
    local port (the three settings point at it; ARXIV_MIN_INTERVAL made small)."""
    _recorded_server.requests.clear()
    _recorded_server.overrides.clear()
    _recorded_server.point(settings)
    return _recorded_server

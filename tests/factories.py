import datetime
import io

import factory
from django.contrib.auth import get_user_model
from PIL import Image

from notes.models import (
    Comment,
    GlossaryTerm,
    Meeting,
    MeetingSeries,
    Membership,
    Note,
    ReadingGroup,
    ReadingList,
    ReadingStatus,
)
from papers.models import Dataset, LanguageModel, Organization, Paper, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title_en = factory.Sequence(lambda n: f"Source document {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Lab {n}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    slug = factory.Sequence(lambda n: f"paper-{n}")
    title_en = factory.Sequence(lambda n: f"Scaling study number {n}")
    title_zh = factory.Sequence(lambda n: f"规模研究 {n}")
    year = 2023
    month = 3
    arxiv_id = factory.Sequence(lambda n: f"2303.{10000 + n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    name = factory.Sequence(lambda n: f"Bench {n}")
    kind = Dataset.Kind.BENCHMARK


class LanguageModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageModel

    slug = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Model-{n}")
    released = datetime.date(2023, 2, 1)
    parameters_b = 7
    open_weights = True


class ReadingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingGroup

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Reading group {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(ReadingGroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(ReadingGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2023, 10, 25)
    title_zh = "组会分享"
    title_en = "Group meeting"
    body_zh = "# 背景\n\n规模定律：$L(N) = (N_c/N)^{\\alpha_N}$\n"


def meeting_at(group, start, zone, number, minutes=90, **fields):
    """A meeting of the group starting at ``start`` (naive) in the zone (a ZoneInfo)."""
    starts_at = start.replace(tzinfo=zone)
    return MeetingFactory(
        group=group,
        number=number,
        date=starts_at.date(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        time_zone=zone.key,
        **fields,
    )


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    author = factory.SubFactory(UserFactory)
    title_zh = factory.Sequence(lambda n: f"笔记 {n}")
    title_en = factory.Sequence(lambda n: f"Note {n}")
    body_zh = "思维链提示可以提升推理能力。"
    body_en = "Chain-of-thought prompting improves reasoning."
    visibility = Note.Visibility.EVERYONE


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    slug = factory.Sequence(lambda n: f"term-{n}")
    title_en = factory.Sequence(lambda n: f"Term {n}")
    title_zh = factory.Sequence(lambda n: f"术语 {n}")
    body_zh = "定义"
    body_en = "Definition"


class ReadingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingList

    slug = factory.Sequence(lambda n: f"list-{n}")
    title_en = factory.Sequence(lambda n: f"Reading list {n}")


class ReadingStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingStatus

    user = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    status = ReadingStatus.Status.READ


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on a paper in a group's discussion (pass note= or meeting= with
    paper=None, group=None for the others)."""

    class Meta:
        model = Comment

    author = factory.SubFactory(UserFactory)
    group = factory.SubFactory(ReadingGroupFactory)
    paper = factory.SubFactory(PaperFactory)
    body = factory.Sequence(lambda n: f"Comment number {n} on $x^2$")


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    """Every Wednesday 14:00–15:30 in Shanghai, from 2030-01-02 (a Wednesday)."""

    class Meta:
        model = MeetingSeries

    group = factory.SubFactory(ReadingGroupFactory)
    weekday = 2
    start_time = datetime.time(14, 0)
    duration = 90
    time_zone = "Asia/Shanghai"
    place = "Room 301"
    link = "https://meet.example.org/llm"
    first_date = datetime.date(2030, 1, 2)


def client_of(user):
    """Return a test client logged in as the user (a session of their own)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def picture(size=(40, 30), kind="PNG", noise=False):
    """Return the bytes of an image made in memory: one colour, or noise (which does not
    compress)."""
    image = Image.effect_noise(size, 60) if noise else Image.new("RGB", size, "teal")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()

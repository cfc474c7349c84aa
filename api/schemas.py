"""What the API answers and accepts: one schema per kind of record, typed for OpenAPI."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from notes.forms import BODY_LIMIT
from notes.models import display_name


class Error(Schema):
    detail: str


class UnknownValue(Error):
    """A list's filter naming nothing the library has (400)."""

    parameter: str = Field(description="The query parameter, as `topic`.")
    value: str = Field(description="Its value, which nothing is called.")
    alike: list[str] = Field(description="The values most like it that it may take, likest first.")


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


class Ref(Schema):
    """Another record, by its key (slug) and name."""

    slug: str
    name: str


def page_of(item):
    """Return the schema of a page of items: the items, how many there are in all, and
    the library version the page was read at (the next ``since``)."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        pages=(int, ...),
        page_size=(int, ...),
        next=(str | None, None),
        version=(int, Field(..., description="The library version this page was read at.")),
        items=(list[item], ...),
    )


def _ref(record, name="name"):
    """Return a Ref to the record (or None): its slug, and its name or else its slug."""
    if record is None:
        return None
    return {"slug": record.slug, "name": getattr(record, name) or record.slug}


def _refs(records, name="name"):
    return [_ref(r, name) for r in records]


def _topics(obj):
    # A paper's topics come through its prefetched links (papers.models.Topical).
    tags = obj.topics if hasattr(obj, "topic_links") else obj.tags.all()
    return sorted(tag.name for tag in tags)


def slug_of(field):
    """Return a resolver: the slug of the record the foreign key points to, or None."""

    def resolve(obj):
        return getattr(obj, field).slug if getattr(obj, f"{field}_id") else None

    return staticmethod(resolve)


def id_of(field):
    """Return a resolver: the id the foreign key holds, or None (the record is not read)."""
    return staticmethod(lambda obj: getattr(obj, f"{field}_id"))


class Record(Schema):
    """The base of the records' schemas. Each resolver here reads its field one way for
    every schema that has the field (and is idle in those that do not); a schema whose
    field of that name means something else says so with its own resolver."""

    @staticmethod
    def resolve_page(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_organization(obj):
        return _ref(obj.organization)

    @staticmethod
    def resolve_papers(obj):
        return _refs(obj.papers.all(), "title")

    @staticmethod
    def resolve_topics(obj):
        return _topics(obj)

    resolve_group = slug_of("group")


class Written(Record):
    """What members write or plan: the author, and the paper and meeting it is about,
    by key (None where there is none)."""

    @staticmethod
    def resolve_author(obj):
        return obj.author.get_username() if obj.author_id else None

    resolve_paper = slug_of("paper")
    resolve_meeting = id_of("meeting")

    @staticmethod
    def resolve_tags(obj):
        return _topics(obj)


# --- The knowledge base -----------------------------------------------------------------


class OrganizationOut(Record):
    slug: str
    name: str
    name_zh: str
    country: str
    url: str
    page: str


class PaperOut(Record):
    slug: str
    title: str
    title_zh: str
    title_en: str
    authors: list[str]
    organizations: list[Ref]
    topics: list[str]
    venue: str
    year: int | None
    month: int | None
    arxiv_id: str | None
    doi: str | None = None
    citation_key: str | None
    url: str
    pdf_url: str
    code_url: str
    summary_zh: str
    summary_en: str
    note_count: int = Field(description="Notes the caller may read about the paper.")
    meeting_count: int = Field(description="Meetings of the caller's groups about it.")
    created: datetime.datetime
    updated: datetime.datetime
    page: str

    @staticmethod
    def resolve_authors(obj):
        return obj.author_list

    @staticmethod
    def resolve_organizations(obj):
        return _refs(obj.organizations.all())

    @staticmethod
    def resolve_doi(obj):
        return getattr(obj, "doi", None) or None


class ModelOut(Record):
    slug: str
    name: str
    organization: Ref | None
    released: datetime.date | None
    parameters_b: Decimal | None
    parameter_sizes: str
    open_weights: bool | None
    license: str
    commercial_use: str
    architecture: str
    layers: int | None
    attention_heads: int | None
    hidden_size: int | None
    vocab_size: int | None
    context_length: int | None
    training_tokens: str
    base_model: Ref | None
    relation: str
    family: str = Field(description="The slug of the model at the top of its family.")
    description_zh: str
    description_en: str
    updated: datetime.datetime
    page: str

    @staticmethod
    def resolve_base_model(obj):
        return _ref(obj.base_model)

    @staticmethod
    def resolve_family(obj):
        root = obj.family_root
        return root.slug if root else obj.slug


class ModelDetailOut(ModelOut):
    papers: list[Ref]
    topics: list[str]
    facts: dict
    datasets: list[dict]

    @staticmethod
    def resolve_datasets(obj):
        return [
            {"slug": link.dataset.slug, "name": link.dataset.name, "role": link.role}
            for link in obj.modeldataset_set.all()
        ]


class FamilyMember(Schema):
    slug: str
    name: str
    base_model: str | None
    relation: str
    released: datetime.date | None


class FamilyOut(Schema):
    root: str
    models: list[FamilyMember]


class DatasetOut(Record):
    slug: str
    name: str
    kind: str
    size: str
    languages: str
    url: str
    organization: Ref | None
    papers: list[Ref]
    topics: list[str]
    description_zh: str
    description_en: str
    updated: datetime.datetime
    page: str


class TaskOut(Schema):
    slug: str
    name: str
    name_zh: str
    benchmarks: list[Ref]

    @staticmethod
    def resolve_benchmarks(obj):
        return _refs(obj.benchmarks.all())


class AbilityOut(Schema):
    slug: str
    level: str
    name: str
    name_zh: str
    description_zh: str
    description_en: str
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.all())


class GlossaryTermOut(Record):
    slug: str
    title_zh: str
    title_en: str
    abbreviation: str
    body_zh: str
    body_en: str
    papers: list[Ref]
    revision: int
    updated: datetime.datetime


class ReadingListItemOut(Schema):
    position: int
    section: str
    paper: Ref
    comment_zh: str
    comment_en: str

    @staticmethod
    def resolve_paper(obj):
        return _ref(obj.paper, "title")


class ReadingListOut(Record):
    slug: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    group: str | None
    updated: datetime.datetime
    page: str


class ReadingListDetailOut(ReadingListOut):
    items: list[ReadingListItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


# --- What the groups do -----------------------------------------------------------------


class MemberOut(Schema):
    username: str
    name: str
    role: str


class GroupOut(Record):
    slug: str
    name: str
    name_zh: str
    description_zh: str
    description_en: str
    role: str | None = Field(description="The caller's role in the group.")
    page: str


class GroupDetailOut(GroupOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return [
            {"username": m.user.get_username(), "name": display_name(m.user), "role": m.role}
            for m in obj.memberships.all()
        ]


class MeetingOut(Record):
    id: int
    group: str
    number: int
    date: datetime.date
    status: str = Field(description="planned, skipped, moved or one-off.")
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    time_zone: str
    place: str
    link: str
    series: int | None
    presenter_slots: int
    title_zh: str
    title_en: str
    presenters: list[str]
    paper: Ref | None
    papers: list[Ref]
    revision: int
    updated: datetime.datetime
    page: str

    resolve_series = id_of("series")

    @staticmethod
    def resolve_presenters(obj):
        return obj.people()

    @staticmethod
    def resolve_paper(obj):
        return _ref(obj.paper, "title")


class ProposalOut(Schema):
    paper: Ref
    proposed_by: str | None
    votes: int
    picked: bool

    @staticmethod
    def resolve_paper(obj):
        return _ref(obj.paper, "title")

    @staticmethod
    def resolve_proposed_by(obj):
        return obj.proposed_by.get_username() if obj.proposed_by_id else None


class MeetingDetailOut(MeetingOut):
    body_zh: str
    body_en: str
    minutes: str
    translation: str
    proposals: list[ProposalOut] = Field(description="Papers proposed for it, most votes first.")

    @staticmethod
    def resolve_proposals(obj):
        from notes.models import PaperProposal

        return list(PaperProposal.objects.filter(meeting=obj).with_votes())


class SeriesOut(Record):
    id: int
    group: str
    weekday: int = Field(description="0 is Monday.")
    start_time: datetime.time
    duration: int = Field(description="Minutes.")
    time_zone: str
    place: str
    link: str
    first_date: datetime.date
    last_date: datetime.date | None
    presenter_slots: int
    active: bool


class NoteOut(Written):
    slug: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    translation: str
    author: str | None = Field(description="The author's username, if they have an account.")
    author_name: str
    author_name_zh: str = Field(description="The author name in Chinese, where it differs.")
    group: str | None
    paper: str | None
    language_model: str | None
    meeting: int | None
    visibility: str
    tags: list[str]
    revision: int
    created: datetime.datetime
    updated: datetime.datetime
    page: str

    resolve_language_model = slug_of("language_model")


class NoteIn(Schema):
    """A note to create, or the fields of one to change (PATCH sends only those)."""

    model_config = ConfigDict(extra="forbid")

    title_zh: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    body_zh: str | None = Field(None, max_length=BODY_LIMIT)
    body_en: str | None = Field(None, max_length=BODY_LIMIT)
    translation: Literal["", "zh", "en"] | None = None
    group: str | None = Field(None, description="The slug of one of the caller's groups.")
    paper: str | None = Field(None, description="The slug of the paper the note is about.")
    language_model: str | None = Field(None, description="The slug of the model.")
    meeting: int | None = Field(
        None, ge=1, le=2**62, description="The id of a meeting of the caller's."
    )
    visibility: Literal["private", "group", "everyone"] | None = Field(
        None,
        description="Who may read it. A new note without it is read by its group "
        '("group"), or by its author alone ("private") when it has no group.',
    )
    tags: list[str] | None = Field(None, max_length=100)
    revision: int | None = Field(
        None, ge=0, le=2**31, description="The revision the edit is based on (or send If-Match)."
    )


class MeetingIn(Schema):
    """The parts of a meeting page its editors change (PATCH sends only those)."""

    model_config = ConfigDict(extra="forbid")

    title_zh: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    body_zh: str | None = Field(None, max_length=BODY_LIMIT)
    body_en: str | None = Field(None, max_length=BODY_LIMIT)
    translation: Literal["", "zh", "en"] | None = None
    minutes: str | None = Field(None, max_length=BODY_LIMIT)
    revision: int | None = Field(
        None, ge=0, le=2**31, description="The revision the edit is based on (or send If-Match)."
    )


class SearchHitOut(Schema):
    kind: str
    title: str
    subtitle: str
    url: str
    snippet: str


class SearchGroupOut(Schema):
    kind: str
    label: str
    count: int
    capped: bool
    hits: list[SearchHitOut]


class SearchOut(Schema):
    query: str
    kind: str | None
    corrected: str | None
    total: int
    groups: list[SearchGroupOut]
    page: int | None
    pages: int | None


class SyncOut(Schema):
    version: int = Field(description="The library version now: the next since.")
    since: int
    changed: dict[str, list[str]] = Field(description="Per kind, the keys changed since.")
    deleted: dict[str, list[str]] = Field(
        description="Per kind, the keys deleted (or no longer readable by the caller) since."
    )

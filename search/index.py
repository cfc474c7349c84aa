"""Build the search documents of papers, models, datasets, terms, notes, meetings and
comments."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from core import pagecache
from core.language import SIDE_LANGUAGES, in_interface_language, repeats
from notes.models import Comment, GlossaryTerm, Meeting, Note, display_name
from papers.models import Dataset, LanguageModel, Paper, Topic

from .models import SHARED_KINDS, Kind, SearchDocument, SearchWord
from .text import Facts, both, html_to_text, index_terms, paragraphs, plain, with_names, words

BATCH = 1000


def _topic_names(record):
    """The record's topics by both their names: the Chinese one finds it too. Read with
    the record's tags when the rebuild prefetched them (with their Chinese names: TOPICS),
    else in one query."""
    if "tags" in getattr(record, "_prefetched_objects_cache", {}):
        tags = record.tags.all()
    else:
        tags = record.tags.select_related("chinese_name")
    return [fact for topic in map(Topic.of, tags) if (fact := both(topic.name, topic.name_zh))]


# What the rebuild reads of each record's topics (``_topic_names``).
TOPICS = ("tags", "tags__chinese_name")


def texts(zh, en, *others):
    """A record's body (paragraphs()): its Chinese text, its English text, then the
    others (its facts, a meeting's minutes), and ``english_part``, where its English text
    is among the body's parts: the English interface's snippet shows that part where it
    has a match or where no part has one (search.text.snippet), rather than the Chinese
    text before it. 0 (the first part) where the record has no text in one of the
    languages."""
    return {
        "body": paragraphs(zh, en, *others),
        "english_part": 1 if plain(zh) and plain(en) else 0,
    }


def facts(*parts):
    """A record's short facts (authors, venue, organisations, sizes, topics) as one part
    of its body, " · " between them: a snippet that shows them reads as a list, where
    they ran together into one sentence ("LLaMA 指令微调 7B LLaMA family"). A name in two
    languages is one fact (search.text.both), shown in the reader's."""
    return Facts(" · ".join(str(part) for part in parts if part))


def in_each_language(make):
    """make()'s text in each language of the site as one fact (search.text.both): a label
    or phrase that either language's words must find, whichever language the index is
    built in, and that a snippet shows in the reader's."""
    with translation.override(SIDE_LANGUAGES["en"]):
        english = make()
    with translation.override(SIDE_LANGUAGES["zh"]):
        chinese = make()
    return both(english, chinese)


def lineage(model):
    """What a model is made from, as a phrase in each language of the site ("instruction
    tuning of LLaMA", "LLaMA 的指令微调": one fact, search.text.both), or ""."""
    base = model.base_model.name if model.base_model else ""
    if not (base or model.relation):
        return ""

    def phrase():
        relation = model.get_relation_display() if model.relation else ""
        if relation and base:
            return gettext("%(relation)s of %(base)s") % {"relation": relation, "base": base}
        return gettext("based on %(base)s") % {"base": base} if base else relation

    return in_each_language(phrase)


def paper_fields(paper):
    when = f"{paper.year}" if paper.year else ""
    return {
        "title": paper.title,
        "subtitle": " · ".join(
            x
            for x in [
                "" if repeats(paper.title_zh, paper.title_en) else paper.title_zh,
                f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "",
                when,
            ]
            if x
        ),
        "head": plain(paper.title_en, paper.title_zh, paper.arxiv_id),
        **texts(
            paper.summary_zh,
            paper.summary_en,
            facts(
                paper.authors_shown,  # "{Meta AI, FAIR}" without its braces, as shown
                paper.venue,
                *[both(org.name, org.name_zh) for org in paper.organizations.all()],
                *_topic_names(paper),
            ),
        ),
        "weight": 3,
    }


def model_fields(model):
    org = model.organization
    return {
        "title": model.name,
        "subtitle": " · ".join(
            x for x in [str(org) if org else "", model.parameter_sizes, model.architecture] if x
        ),
        "head": plain(model.name, model.slug.replace("-", " ")),
        **texts(
            model.description_zh,
            model.description_en,
            facts(
                lineage(model),
                both(org.name, org.name_zh) if org else "",
                model.parameter_sizes,
                model.architecture,
                model.license,
                model.training_tokens,
                *_topic_names(model),
            ),
        ),
        "weight": 3,
    }


def dataset_fields(dataset):
    return {
        "title": dataset.name,
        # The kind as its code: shown_subtitle() names it in the reader's language.
        "subtitle": " · ".join(x for x in [dataset.kind, dataset.size, dataset.languages] if x),
        "head": plain(dataset.name),
        **texts(
            dataset.description_zh,
            dataset.description_en,
            facts(
                kind_labels(dataset),
                dataset.languages,
                both(dataset.organization.name, dataset.organization.name_zh)
                if dataset.organization
                else "",
                *_topic_names(dataset),
            ),
        ),
        "weight": 2,
    }


def kind_labels(dataset):
    """A dataset's kind in every language of the site, so that either finds it."""
    return in_each_language(dataset.get_kind_display)


def shown_subtitle(kind, subtitle):
    """The subtitle of a document as a reader sees it: a dataset's kind, stored as its
    code (dataset_fields), named in the active language."""
    if kind != Kind.DATASET:
        return subtitle
    code, sep, rest = subtitle.partition(" · ")
    if code not in Dataset.Kind.values:  # indexed before kinds were stored as codes
        return subtitle
    return f"{Dataset.Kind(code).label}{sep}{rest}"


def glossary_fields(term):
    return {
        "title": term.title,
        "subtitle": " · ".join(x for x in [term.title_zh, term.abbreviation] if x),
        "head": plain(term.title_en, term.title_zh, term.abbreviation),
        **texts(html_to_text(term.body_zh_html), html_to_text(term.body_en_html)),
        "weight": 3,
    }


def subtitle(title, parts):
    """The parts that say something the title does not, joined: a note's English title
    kept as its Chinese one, or a note named after its paper, is not shown twice."""
    shown = dict.fromkeys(str(part) for part in parts if part)
    return " · ".join(part for part in shown if part != title)


def each_interface(make):
    """make()'s text as the Chinese and the English interface show it, whichever language
    is active when the record is indexed: (Chinese, English), English "" where the same."""
    with translation.override(SIDE_LANGUAGES["zh"]):
        chinese = str(make())
    with translation.override(SIDE_LANGUAGES["en"]):
        english = str(make())
    return chinese, english if english != chinese else ""


def subtitles(make):
    """A hit's subtitle as each interface shows it: make()'s text in Chinese (``subtitle``)
    and in English (``subtitle_en``). A note's byline names a source in the reader's
    language, a meeting's its group: the index held the one of whoever saved last."""
    chinese, english = each_interface(make)
    return {"subtitle": chinese, "subtitle_en": english}


def note_titles(note):
    """(title, title_en) of a note's hit, and of its comments': an untitled note is named
    so in each language ("无标题笔记", "Untitled note"), not in the one active when it was
    indexed."""
    if note.title_zh or note.title_en:
        return str(note.title), english_title(note)
    return each_interface(lambda: note.title)


def english_title(writing):
    """A note's or meeting's English title where the title its hit shows is its Chinese one
    (``SearchDocument.title_en``), else ""."""
    if writing.title_zh and writing.title_en and writing.title_en != writing.title_zh:
        return writing.title_en
    return ""


def note_fields(note):
    # Not the meeting: its title is for its group's eyes, and a note may be wider read.
    about = note.paper or note.language_model
    title, title_en = note_titles(note)
    return {
        "title": title,
        "title_en": title_en,
        **subtitles(lambda: subtitle(title, [note.byline, about])),
        "head": plain(note.title_zh, note.title_en),
        **texts(html_to_text(note.body_zh_html), html_to_text(note.body_en_html)),
        "weight": 1,
        "visibility": note.visibility,
        "group_id": note.group_id,
        "author_id": note.author_id,
    }


def meeting_fields(meeting):
    # The group named in the reader's language: its Chinese name (where it has one) in
    # the subtitle, its English one in the English interface's (subtitle_en).
    group, title = meeting.group, str(meeting.title)
    numbered_title, numbered_english = meeting_titles(meeting)
    return {
        "title": numbered_title,
        "title_en": numbered_english,
        **subtitles(lambda: subtitle(title, [in_interface_language(group, "name"), meeting.date])),
        "head": plain(meeting.title_zh, meeting.title_en),
        **texts(
            html_to_text(meeting.body_zh_html),
            html_to_text(meeting.body_en_html),
            html_to_text(meeting.minutes_html),
            meeting.presenter_name,
        ),
        "weight": 2,
        "visibility": "group",
        "group_id": meeting.group_id,
    }


def meeting_titles(meeting):
    """(title, title_en) of a meeting's hit and its comments': its number before each
    ("#7 组会分享", "#7 Group meeting"); title_en "" where it has no English title of its own."""
    english = english_title(meeting)
    number = f"#{meeting.number} "
    return number + str(meeting.title), number + english if english else ""


def comment_fields(comment):
    """A comment is read by who may read what it is about: a note's comment copies the
    note's visibility, group and author (search's rule for notes then holds for it); a
    meeting's or a paper's discussion is its group's.

    Its hit is titled by what it is about, as that one's own hit is: a bilingual note's or
    meeting's English title kept apart (``title_en``) for the English interface, a paper
    by its English title where it has one; its subtitle names the author."""
    if comment.note_id is not None:
        note = comment.note
        visibility, group_id, author_id = note.visibility, note.group_id, note.author_id
        title, title_en = note_titles(note)
    elif comment.meeting_id is not None:
        meeting = comment.meeting
        visibility, group_id, author_id = "group", meeting.group_id, None
        title, title_en = meeting_titles(meeting)
    else:
        visibility, group_id, author_id = "group", comment.group_id, None
        title, title_en = str(comment.subject), ""
    text = html_to_text(comment.body_html)
    return {
        "title": title,
        "title_en": title_en,
        **subtitles(
            lambda: subtitle(title, [display_name(comment.author) if comment.author else ""])
        ),
        "head": "",
        "body": paragraphs(text),
        "weight": 1,
        "visibility": visibility,
        "group_id": group_id,
        "author_id": author_id,
    }


@dataclass(frozen=True)
class Source:
    model: type[Model]
    kind: str
    fields: Callable[[Model], dict]
    rebuild_queryset: Callable[[], QuerySet]


SOURCES = {
    source.model: source
    for source in [
        Source(
            Paper,
            Kind.PAPER,
            paper_fields,
            lambda: Paper.objects.prefetch_related("organizations", *TOPICS),
        ),
        Source(
            LanguageModel,
            Kind.MODEL,
            model_fields,
            lambda: LanguageModel.objects.select_related(
                "organization", "base_model"
            ).prefetch_related(*TOPICS),
        ),
        Source(
            Dataset,
            Kind.DATASET,
            dataset_fields,
            lambda: Dataset.objects.select_related("organization").prefetch_related(*TOPICS),
        ),
        Source(GlossaryTerm, Kind.GLOSSARY, glossary_fields, lambda: GlossaryTerm.objects.all()),
        Source(
            Note,
            Kind.NOTE,
            note_fields,
            lambda: Note.objects.select_related("author", "paper", "language_model", "meeting"),
        ),
        Source(
            Meeting, Kind.MEETING, meeting_fields, lambda: Meeting.objects.select_related("group")
        ),
        Source(
            Comment,
            Kind.COMMENT,
            comment_fields,
            lambda: Comment.objects.live().select_related(
                "author", "paper", "note", "meeting__group"
            ),
        ),
    ]
}


# The kinds of record whose text holds their topics' names.
TOPICAL = (Paper, LanguageModel, Dataset)


def document_fields(obj):
    """Return the SearchDocument field values for a record (without its identity)."""
    source = SOURCES[type(obj)]
    fields = source.fields(obj)
    fields["title"] = fields["title"][:400]
    fields["title_en"] = fields.get("title_en", "")[:400]
    fields["subtitle"] = fields["subtitle"][:400]
    fields["subtitle_en"] = fields.get("subtitle_en", "")[:400]
    fields["head"] = with_names(fields["head"])
    fields.update(
        kind=source.kind,
        url=obj.get_absolute_url(),
        cjk_bigrams=index_terms(fields["head"], fields["body"]),
    )
    return fields


def add_words(*texts):
    """Remember the words of the texts for spelling suggestions."""
    found = words(*texts)
    if found:
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in sorted(found)], ignore_conflicts=True, batch_size=BATCH
        )


def index_object(obj):
    """Add or refresh the search document of one record."""
    if type(obj) not in SOURCES:
        return
    if getattr(obj, "is_deleted", False):  # a deleted comment is found no more
        remove_object(obj)
        return
    fields = document_fields(obj)
    SearchDocument.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, defaults=fields
    )
    if fields["kind"] in SHARED_KINDS:
        add_words(fields["head"], fields["body"])
    if isinstance(obj, Note):
        # Its comments are read by who reads the note: they carry its visibility.
        for comment in SOURCES[Comment].rebuild_queryset().filter(note=obj):
            index_object(comment)


def index_records(model, condition):
    """Index again the records of one kind that match the condition (a Q), BATCH at a
    time: their documents made again in a few queries a batch, where ``index_object``
    takes three a record (a topic on 287 papers took 1 442 queries and 2 s; on thousands,
    longer than a request may)."""
    source = SOURCES[model]
    content_type = ContentType.objects.get_for_model(model)
    records = source.rebuild_queryset().filter(condition).order_by("pk")
    start = 0
    with transaction.atomic():
        while batch := list(records[start : start + BATCH]):
            start += BATCH
            made = [(obj.pk, document_fields(obj)) for obj in batch]
            SearchDocument.objects.filter(
                content_type=content_type, object_id__in=[pk for pk, _fields in made]
            ).delete()
            SearchDocument.objects.bulk_create(
                SearchDocument(content_type=content_type, object_id=pk, **fields)
                for pk, fields in made
            )
            if source.kind in SHARED_KINDS:
                add_words(
                    *(text for _pk, fields in made for text in (fields["head"], fields["body"]))
                )
            if model is Note:  # its comments carry its visibility (index_object)
                index_records(Comment, Q(note__in=[obj.pk for obj in batch]))


def index_topic_records(tag_id):
    """Index again every record with the topic of this id (its names are in their text:
    ``_topic_names``), as when its Chinese name changes."""
    for model in TOPICAL:
        index_records(model, Q(tags=tag_id))


def remove_object(obj):
    """Drop the search document of a deleted record."""
    if type(obj) in SOURCES:
        SearchDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).delete()


def rebuild(models=None, progress=None):
    """Rebuild the index from scratch (of every kind, or of the given models); return counts."""
    counts = {}
    with transaction.atomic():
        if not models:
            SearchWord.objects.all().delete()
        for model, source in SOURCES.items():
            if models and model not in models:
                continue
            content_type = ContentType.objects.get_for_model(model)
            SearchDocument.objects.filter(content_type=content_type).delete()
            batch, vocabulary, n = [], set(), 0
            for obj in source.rebuild_queryset().iterator(chunk_size=BATCH):
                fields = document_fields(obj)
                if source.kind in SHARED_KINDS:
                    vocabulary |= words(fields["head"], fields["body"])
                batch.append(SearchDocument(content_type=content_type, object_id=obj.pk, **fields))
                if len(batch) >= BATCH:
                    SearchDocument.objects.bulk_create(batch)
                    n += len(batch)
                    if progress:
                        progress(model, len(batch))
                    batch = []
            SearchDocument.objects.bulk_create(batch)
            n += len(batch)
            if progress and batch:
                progress(model, len(batch))
            SearchWord.objects.bulk_create(
                [SearchWord(word=w) for w in sorted(vocabulary)],
                ignore_conflicts=True,
                batch_size=BATCH,
            )
            counts[source.kind] = n
        # Cached pages (search results among them) were made from the old index.
        transaction.on_commit(pagecache.bump_generation)
    return counts

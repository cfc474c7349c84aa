"""Present a meeting's write-up, a note or a reading list as a reveal.js deck."""

from csp.constants import SELF, UNSAFE_HASHES
from csp.decorators import csp_replace, csp_update
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from core.language import LANG_ATTRIBUTE, interface_language, pick_side, reader_language
from core.pagecache import by_content
from core.views import READING_COOKIE

from . import audience
from . import slides as deck
from .models import Note, ReadingList

LANGUAGES = ("zh", "en", "both")

# reveal.js 5.2.1 (static/vendor/reveal/): the speaker view writes its page (one
# <style>, one <script>, two style="display: none") into a pop-up, which inherits this
# page's policy, and shows the deck in iframes of this origin; the print view adds two
# fixed style sheets (the 1331 × 748 page of a 1280 × 720 deck). Allow exactly those.
# A new reveal.js version needs new hashes: the browser console names them.
DECK_CSP = {
    "script-src": [SELF, "'sha256-wfrJpa7dmlxqHmakgJIolYIQ+LOJmVS3HKfvdaO3GDE='"],
    "style-src": [
        SELF,
        UNSAFE_HASHES,
        "'sha256-FO8+tEZY4XAJsThREbo8dTCiyACqv1VGgxX0NfVfEAs='",  # speaker view <style>
        "'sha256-ZdHxw9eWtnxUb3mk6tBS+gIiVUPE3pGM470keHPDFlE='",  # style="display: none"
        "'sha256-x2zZJRFUd59EAh9OsKlVnfMg55XvFuNtHCGzHIy7utQ='",  # print: @page size
        "'sha256-AQ1Rup+sfRMid+jMjYcK8Gnh5UlxtbXLT/YRRbHGtW8='",  # print: image sizes
    ],
}


def deck_view(view):
    """Serve a deck: framable by this site (speaker view) and reveal.js's inline bits."""
    view = xframe_options_sameorigin(view)
    view = csp_replace({"frame-ancestors": [SELF]})(view)
    return csp_update(DECK_CSP)(view)


def deck_language(request, zh, en):
    """Return zh, en or both: ?lang=, else the reader's choice ("Show notes in"), else
    the interface's language (a reader who chose nothing reads the site's language)."""
    if not (zh and en):
        return "en" if en and not zh else "zh"
    for choice in (request.GET.get("lang"), request.COOKIES.get(READING_COOKIE)):
        if choice in LANGUAGES:
            return choice
    return interface_language()


def deck_titles(request, record, lang, missing=""):
    """Return the deck's title and its cover's heading and subtitle (None: no subtitle)
    as {"deck_title", "cover_title", "cover_subtitle"}, the last two (lang attribute,
    text): the title in the deck's language first (the reader's when the deck shows
    both), the other side below it where it differs; ``missing`` for a record without a
    title."""
    first = lang if lang in ("zh", "en") else reader_language(request.COOKIES.get(READING_COOKIE))
    code, title = pick_side(record, "title", first)
    other = "en" if code == "zh" else "zh"
    subtitle = getattr(record, f"title_{other}", "") if code else ""
    return {
        "deck_title": title or missing,
        "cover_title": (LANG_ATTRIBUTE.get(code, ""), title or missing),
        "cover_subtitle": (LANG_ATTRIBUTE[other], subtitle)
        if subtitle and subtitle != title
        else None,
    }


def build_deck(zh_html, en_html, lang):
    """Return the slides of a text in one language (or both side by side), built once.

    Slides depend on nothing but the rendered HTML and the language, so they are kept
    in the shared cache under a digest of both (core.pagecache.by_content): every member
    opening the same revision of a deck gets the same slides without splitting and
    measuring them again.
    """

    def build():
        if lang == "both":
            return deck.build_side_by_side(zh_html, en_html)
        return deck.build_slides(en_html if lang == "en" else zh_html, lang=lang)

    return by_content(f"slides:{lang}", [zh_html, en_html], build)


def deck_slides(zh_html, en_html, lang):
    """Return build_deck()'s slides, each knowing its place in the text's other languages
    (``Slide.elsewhere``: where the language switch keeps the presenter)."""
    slides = build_deck(zh_html, en_html, lang)
    if zh_html and en_html:
        decks = {
            choice: slides if choice == lang else build_deck(zh_html, en_html, choice)
            for choice in LANGUAGES
        }
        deck.link_languages(decks, zh_html, en_html)
    return slides


def _render_deck(request, context, zh_html, en_html, missing_title=""):
    lang = deck_language(request, zh_html, en_html)
    context.update(
        {
            **deck_titles(request, context["object"], lang, missing_title),
            # Read from the cache only when the deck's shared fragment is missing.
            "slides": SimpleLazyObject(lambda: deck_slides(zh_html, en_html, lang)),
            "lang": lang,
            "languages": LANGUAGES if zh_html and en_html else (),
            "frame": {"width": deck.FRAME_WIDTH, "height": deck.FRAME_HEIGHT},
        }
    )
    return render(request, "notes/deck.html", context)


def group_name(request, group):
    """The group's name in the reader's language, as ``{% pick group "name" %}`` gives it
    on a page: their reading choice, else the interface's (the deck's shared fragment is
    kept per interface language and reading choice)."""
    return pick_side(group, "name", reader_language(request.COOKIES.get(READING_COOKIE)))[1]


def _main_paper(meeting):
    """The paper the meeting presents, and how many others it discusses."""
    others = [p for p in meeting.papers.all() if p.pk != meeting.paper_id]
    return meeting.paper or (others[:1] or [None])[0], len(others) + bool(meeting.paper)


@deck_view
def meeting_present(request, group, number):
    meeting = audience.meeting(request.user, group, number)
    paper, paper_count = _main_paper(meeting)
    context = {
        "object": meeting,
        "kind": "meeting",
        "kicker": format_html(
            "{} · {} · {}",
            group_name(request, meeting.group),
            _("meeting %(number)s") % {"number": meeting.number},
            meeting.date.strftime("%Y-%m-%d"),
        ),
        # Read only when the deck's shared fragment (templates/notes/deck.html) is not cached.
        "people": SimpleLazyObject(meeting.people),
        "paper": paper,
        "more_papers": max(paper_count - 1, 0),
        "back_url": meeting.get_absolute_url(),
    }
    untitled = _("Meeting %(number)s") % {"number": meeting.number}
    return _render_deck(request, context, meeting.body_zh_html, meeting.body_en_html, untitled)


@deck_view
def note_present(request, slug):
    note = get_object_or_404(Note.objects.visible_to(request.user).for_list(), slug=slug)
    context = {
        "object": note,
        "kind": "note",
        "kicker": format_html(
            "{}{}", _("Note"), f" · {group_name(request, note.group)}" if note.group else ""
        ),
        "people": note.people(),
        "paper": note.paper,
        "more_papers": 0,
        "back_url": note.get_absolute_url(),
    }
    return _render_deck(request, context, note.body_zh_html, note.body_en_html, str(note.title))


def reading_list_html(reading_list, items, lang):
    """Write a reading list as HTML for the slides: a heading per section, a list item
    per paper with its arXiv link and comment."""

    def pick(zh, en):
        return (en if lang == "en" else zh) or zh or en

    parts, section, number = [], None, 0
    with translation.override("zh-hans" if lang == "zh" else "en"):  # the deck's language
        other_papers = _("Other papers")
    description = pick(reading_list.description_zh, reading_list.description_en)
    if description:
        parts.append(format_html("<p>{}</p>", description))
    for item in items:
        number += 1
        if section is None or item.section != section:
            # Papers of no section after a section's are headed, as on the list's page:
            # they stood under the section before them.
            heading = item.section or (other_papers if section else "")
            if section is not None:
                parts.append("</ol>")
            section = item.section
            if heading:
                parts.append(format_html("<h2>{}</h2>", heading))
            parts.append(format_html('<ol start="{}">', number))
        paper, comment = item.paper, pick(item.comment_zh, item.comment_en)
        parts.append(
            format_html(
                '<li><a href="{}">{}</a>{}{}{}</li>',
                paper.get_absolute_url(),
                paper.title,
                f" ({paper.year})" if paper.year else "",
                format_html(' · <a href="{}">arXiv:{}</a>', paper.arxiv_abs_url, paper.arxiv_id)
                if paper.arxiv_id
                else "",
                format_html("<br><small>{}</small>", comment) if comment else "",
            )
        )
    if section is not None:
        parts.append("</ol>")
    return mark_safe("".join(parts))  # every part is format_html output or a constant


@deck_view
def readinglist_present(request, slug):
    reading_list = get_object_or_404(ReadingList.objects.select_related("group"), slug=slug)
    items = list(reading_list.items.select_related("paper"))
    # Its comments in one language, not side by side: ?lang=, else the reader's choice,
    # else the interface's language.
    lang = request.GET.get("lang")
    if lang not in ("zh", "en"):
        lang = reader_language(request.COOKIES.get(READING_COOKIE))
    # Both languages' decks, each slide naming its place in the other (the switch keeps
    # the presenter there): the same papers and sections, their comments in each.
    zh_html, en_html = (reading_list_html(reading_list, items, choice) for choice in ("zh", "en"))
    decks = {"zh": build_deck(zh_html, "", "zh"), "en": build_deck("", en_html, "en")}
    deck.link_languages(decks, zh_html, en_html)
    context = {
        "object": reading_list,
        "kind": "readinglist",
        **deck_titles(request, reading_list, lang),
        "kicker": format_html(
            "{}{}",
            _("Reading list"),
            f" · {group_name(request, reading_list.group)}" if reading_list.group else "",
        ),
        "people": [],
        "paper": None,
        "more_papers": 0,
        "back_url": reading_list.get_absolute_url(),
        "slides": decks[lang],
        "lang": lang,
        "languages": ("zh", "en"),
        "frame": {"width": deck.FRAME_WIDTH, "height": deck.FRAME_HEIGHT},
    }
    return render(request, "notes/deck.html", context)

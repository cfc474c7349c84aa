"""The one-click reading-status control: ``{% status_control paper status %}``."""

import functools

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import csrf
from core.addresses import address_shape
from core.audiencepage import own_part
from core.escaping import esc
from core.fragments import remembered
from core.language import colon
from core.numbers import whole
from core.templatetags.shared import slotted
from notes import audience, progress
from notes.models import ReadingStatus
from papers.models import Paper

register = template.Library()


def control_html(paper_id, status, csrf_token, next_url):
    """The control's HTML, for the template tag and the slots alike: a form of four
    buttons, the pressed one (the member's status) clearing it. Made in Python, not a
    template, from pieces made once per process: a list shows one per row, for each
    member. The member's own part of a page (core.audiencepage): own_controls makes it
    again for each member."""
    return controls(csrf_token, next_url)(paper_id, status)


def controls(csrf_token, next_url):
    """Return a function of (paper id, status) giving control_html() of a page's
    controls, with what they share (the address's pieces, the language, the CSRF field,
    the page's address) worked out once: a list makes one per row, and each of those
    lookups cost as much as the rest of a control."""
    start, end = _status_url()
    language, csrf_field, back = get_language(), _csrf_field(csrf_token), esc(next_url)

    def control(paper_id, status):
        form, between, next_field, rest = _control_pieces(status, language)
        html = mark_safe(  # noqa: S308  (every piece escaped: format_html, esc)
            f"{form}{start}{int(paper_id)}{end}{between}{csrf_field}{next_field}{back}{rest}"
        )
        return own_part("status", paper_id, html)

    return control


def _status_url():
    """The address of a paper's status, around its id: ("/reading-status/", "/")."""
    start, _key, end = address_shape("notes:status_set", "pk")
    return start, end


@functools.lru_cache(maxsize=64)
def _control_pieces(status, language):
    """The control's HTML for a status in a language, in the pieces around the paper's
    address, the CSRF field and the page's address."""
    # data-clear: the pressed button's tooltip, for the page's script to move to the
    # button it presses (static/js/together.js).
    html = format_html(
        '<form method="post" action="\x00" class="status-control" data-status="{}"'
        ' aria-label="{}" data-clear="{}">\x00<input type="hidden" name="next" value="\x00">'
        "{}</form>",
        status,
        _("My reading status"),
        _("Click again to clear"),
        _buttons(status, language),
    )
    return tuple(html.split("\x00"))


@functools.lru_cache(maxsize=16)
def _csrf_field(csrf_token):
    if not csrf_token or csrf_token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)


@functools.lru_cache(maxsize=64)
def _buttons(status, language):
    """The four buttons with the member's status pressed: the same on every paper, so
    made once per status and language in each process."""
    return format_html_join(
        "",
        '<button type="submit" name="status" class="status-button status-{0}" data-value="{0}"'
        ' value="{1}" aria-pressed="{2}"{3}>{4}</button>',
        (
            (value, "", "true", format_html(' title="{}"', _("Click again to clear")), label)
            if value == status
            else (value, value, "false", "", label)
            for value, label in ReadingStatus.Status.choices
        ),
    )


def row_reading_html(paper_id, status, progress, control, group_id=None):
    """A list row's reading: how many of the group (``group_id``) have read the paper
    (shown to its members, with ``progress``; the page's script asks for it again when the
    member's status changes) and the member's control (``control``, made by
    ``controls``). In Python, as the control."""
    note = ""
    if progress:
        note = format_html(
            '<span class="progress-note" data-group="{}">{}</span>',
            group_id or "",
            progress.read_note(paper_id),
        )
    return format_html('<div class="row-reading">{}\n    {}</div>', note, control(paper_id, status))


def form_context(context):
    """The CSRF token and the page's address a control posts with, from a template's
    context (no request: no address)."""
    request = context.get("request")
    return context.get("csrf_token"), request.get_full_path() if request is not None else ""


def status_controls(context):
    """Return a function of (paper id, status) giving the member's control as this place
    of the page shows it: the control, or inside a shared fragment its slot."""
    control = controls(*form_context(context))
    return slotted(context, "status", lambda paper_id, status: control(paper_id, status or ""))


@register.simple_tag(takes_context=True)
def status_control(context, paper, status=""):
    """The one-click control of the paper (a paper or its id) for this member."""
    return control_html(getattr(paper, "pk", paper), status or "", *form_context(context))


@register.filter
def status_label(value):
    """The label of a status value: ``{{ status|status_label }}``."""
    return ReadingStatus.Status(value).label if value in ReadingStatus.Status.values else ""


@register.filter
def read_note(progress, paper_id):
    """How many of the group have read the paper, as the page says it and as the reading
    control's answer says it again after a change (Progress.read_note):
    ``{{ progress|read_note:paper.pk }}``."""
    return progress.read_note(paper_id) if progress else ""


def status_slots(request, known=None):
    """Return the member_slots provider of the reading-status controls inside a shared
    fragment (``{% slot "status" paper.pk %}``): {paper id: the member's control}. The
    statuses come from ``known()`` ({paper id: status}, when the page has already read
    them) or from the member's own (``audience.statuses_of``); the controls are the
    member's own and never shared."""

    def provide(keys):
        ids = [pk for pk in map(whole, keys) if pk is not None]
        found = known() if known else None
        if found is None:
            found = audience.statuses_of(request.user, ids)
        control = controls(csrf.token(request), request.get_full_path())
        return {pk: control(pk, found.get(pk, "")) for pk in ids}

    return {"status": provide}


def row_reading_slots(request, statuses, group_progress=None, group_id=None):
    """Return the member_slots provider of a list's reading row (``{% slot "reading"
    paper.pk %}``): how many of the group (``group_id``) have read the paper (when the
    member belongs to it) and the member's own control, from ``statuses`` ({paper id:
    status})."""

    def provide(keys):
        control = controls(csrf.token(request), request.get_full_path())
        ids = [pk for pk in map(whole, keys) if pk is not None]
        return {
            pk: row_reading_html(pk, statuses.get(pk, ""), group_progress, control, group_id)
            for pk in ids
        }

    return {"reading": provide}


def own_controls(request, keys):
    """The member's own part "status" of a page kept for their audience
    (settings.PAGECACHE_MEMBER_PARTS): {paper id: their control}."""
    return {str(pk): html for pk, html in status_slots(request)["status"](keys).items()}


def _readers(request, paper_id):
    """progress.readers of the paper for the member, read once per request for both of
    the paper page's parts below."""
    user = request.user
    return remembered(
        ("paper-readers", user.pk, paper_id), lambda: progress.readers(user, Paper(pk=paper_id))
    )


def own_status_line(request, keys):
    """The member's own part "my-status" of a paper page: their control and since when
    their status holds ({paper id: HTML})."""
    found = {}
    for key in keys:
        mine, _others = _readers(request, int(key))
        status, changed = mine or ("", None)
        since = ""
        if changed is not None:
            day = dateformat.format(timezone.localtime(changed), "Y-m-d")
            since = format_html(
                ' <span class="muted status-since">{}</span>', _("since %(date)s") % {"date": day}
            )
        control = control_html(int(key), status, csrf.token(request), request.get_full_path())
        found[key] = format_html('<div class="my-status">{}{}</div>', control, since)
    return found


def paper_readers(request, keys):
    """The member's own part "readers" of a paper page: the statuses of the paper that
    they may see of the others in their groups ({paper id: HTML})."""
    found = {}
    for key in keys:
        _mine, others = _readers(request, int(key))
        found[key] = (
            format_html(
                '<p class="readers meta"><span>{}{}</span>{}</p>',
                _("In your groups"),
                colon(end=True),
                format_html_join(
                    "",
                    '<span class="reader reader-{}">{} · {}</span>',
                    ((status, name, label) for name, label, status in others),
                ),
            )
            if others
            else ""
        )
    return found

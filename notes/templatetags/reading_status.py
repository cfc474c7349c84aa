"""The one-click reading-status control: ``{% status_control paper status %}``."""

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template

from notes.models import ReadingStatus

register = template.Library()


@register.inclusion_tag("includes/_status_control.html", takes_context=True)
def status_control(context, paper, status=""):
    """A small form of four buttons; the pressed one (the member's status) clears it.
    ``paper`` is a paper or its id."""
    request = context.get("request")
    return {
        "paper_id": getattr(paper, "pk", paper),
        "status": status or "",
        "choices": ReadingStatus.Status.choices,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.filter
def status_label(value):
    """The label of a status value: ``{{ status|status_label }}``."""
    return ReadingStatus.Status(value).label if value in ReadingStatus.Status.values else ""


@register.filter
def read_by(progress, paper_id):
    """How many members of the group have read the paper: ``{{ progress|read_by:paper.pk }}``."""
    return progress.read_by(paper_id) if progress else 0


def status_slots(request, known=None):
    """Return the member_slots provider of the reading-status controls inside a shared
    fragment (``{% slot "status" paper.pk %}``): {paper id: the member's control}. The
    statuses come from ``known()`` ({paper id: status}, when the page has already read
    them) or from one query; the controls are the member's own and never shared."""

    def provide(keys):
        ids = [int(key) for key in keys if key.isdigit()]
        found = known() if known else None
        if found is None:
            found = (
                dict(
                    ReadingStatus.objects.of(request.user)
                    .filter(paper_id__in=ids)
                    .values_list("paper_id", "status")
                )
                if ids
                else {}
            )
        control = get_template("includes/_status_control.html")
        base = {
            "choices": ReadingStatus.Status.choices,
            "csrf_token": get_token(request),
            "next": request.get_full_path(),
        }
        return {
            pk: control.render({**base, "paper_id": pk, "status": found.get(pk, "")}) for pk in ids
        }

    return {"status": provide}


def row_reading_slots(request, statuses, group_progress=None):
    """Return the member_slots provider of a list's reading row (``{% slot "reading"
    paper.pk %}``): how many of the group have read the paper (when the member belongs
    to it) and the member's own control, from ``statuses`` ({paper id: status})."""

    def provide(keys):
        row = get_template("includes/_row_reading.html")
        base = {"progress": group_progress, "request": request, "csrf_token": get_token(request)}
        ids = [int(key) for key in keys if key.isdigit()]
        return {
            pk: row.render({**base, "paper_id": pk, "my_status": statuses.get(pk, "")})
            for pk in ids
        }

    return {"reading": provide}

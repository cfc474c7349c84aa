"""The one-click reading-status control: ``{% status_control paper status %}``."""

from django import template

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

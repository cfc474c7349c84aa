"""{% quick_result_list cl %}: the change list's table as Django's {% result_list %}
makes it, its rows made by core.adminlist (templates/admin/change_list.html);
``{% quick_pagination cl %}``, Django's ``{% pagination cl %}`` made in Python;
``{{ choices|choice_lines }}``, a quick filter's choices (admin/quick_filter.html); and
``{{ text|label_case }}``, capfirst but for "arXiv ID" (core.adminsite.label_case), in the
site's admin/change_list_results.html."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template.defaultfilters import stringfilter
from django.utils.safestring import mark_safe

from core.adminlist import quick_pagination as make_pagination
from core.adminlist import quick_result_list
from core.adminsite import label_case

register = template.Library()


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="quick_change_list_results.html",
        takes_context=False,
    )


@register.filter(is_safe=True, name="label_case")
@stringfilter
def label_case_filter(text):
    """The capfirst filter, but for a label that begins with arXiv ("arXiv ID")."""
    return label_case(text)


@register.filter
def choice_lines(choices):
    """The lines of a QuickListFilter's choices, one string: as ``{% for choice in choices
    %}{{ choice.line }}{% endfor %}`` writes them, without a node rendered per choice (a
    filter of topics or organisations has dozens)."""
    return mark_safe("".join(choice["line"] for choice in choices))  # noqa: S308  (lines are escaped)


@register.simple_tag
def quick_pagination(cl):
    return make_pagination(cl)

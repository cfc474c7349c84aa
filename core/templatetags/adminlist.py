"""{% quick_result_list cl %}: the change list's table as Django's {% result_list %}
makes it, its rows made by core.adminlist (templates/admin/change_list.html)."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from core.adminlist import quick_result_list

register = template.Library()


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )

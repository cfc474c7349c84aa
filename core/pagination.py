"""List views' pagination: a page number out of range or not a number shows the nearest
page (not "page not found"), and it runs only when the template reads it."""

from django.utils.functional import SimpleLazyObject
from django.views.generic.base import ContextMixin


def _below_one(number):
    """Whether the page asked for is a whole number below 1 ("0", "-3"); not for one
    that is no number ("abc", "²": get_page() gives those the first page)."""
    try:
        return int(number) < 1
    except (TypeError, ValueError):
        return False


class ForgivingPaginationMixin:
    """ListView mixin: ?page=9999 shows the last page, ?page=abc or 0 the first, as a
    member who follows an old link or edits the address expects (ListView's own answer
    is "page not found")."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        if _below_one(number):
            number = 1  # get_page() would give the last page for 0 or less
        page = paginator.get_page(number)
        return paginator, page, page.object_list, page.has_other_pages()


class LazyPaginationMixin(ForgivingPaginationMixin):
    """ListView mixin: ``paginator``, ``page_obj``, ``is_paginated`` and the object list
    are lazy, so that a page whose list comes from a shared fragment (core/fragments.py)
    counts and reads no rows at all. The same names and values as ListView's."""

    def get(self, request, *args, **kwargs):
        # Even building the queryset (annotations, subqueries) is work a page from the
        # shared cache does not need.
        self.object_list = SimpleLazyObject(self.get_queryset)
        context = self.get_context_data()
        return self.render_to_response(context)

    def get_template_names(self):
        if self.template_name:
            return [self.template_name]
        meta = self.model._meta
        return [f"{meta.app_label}/{meta.model_name}{self.template_name_suffix}.html"]

    def get_context_object_name(self, object_list):
        if self.context_object_name:
            return self.context_object_name
        return f"{self.model._meta.model_name}_list" if self.model else None

    def get_context_data(self, **kwargs):
        queryset = kwargs.pop("object_list", self.object_list)
        size = self.get_paginate_by(queryset)
        state = SimpleLazyObject(lambda: self.paginate_queryset(queryset, size))
        object_list = SimpleLazyObject(lambda: state[2]) if size else queryset
        context = {
            "paginator": SimpleLazyObject(lambda: state[0]) if size else None,
            "page_obj": SimpleLazyObject(lambda: state[1]) if size else None,
            "is_paginated": SimpleLazyObject(lambda: state[3]) if size else False,
            "object_list": object_list,
        }
        if name := self.get_context_object_name(queryset):
            context[name] = object_list
        context.update(kwargs)
        return ContextMixin.get_context_data(self, **context)

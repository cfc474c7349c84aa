"""The admin's change list rows, made with the work of each column done once per page.

Django's ``items_for_result`` works out, for every cell of every row, what the column
is (a field looked up in the model's options, a ModelAdmin method, its empty value,
whether it links), reverses the row's change URL and merges the list's filters into
it, and builds the cell with two ``format_html`` calls; the template then renders each
cell as a node of its own. On the paper change list (50 rows, 9 columns) that was a
third of the page. Here each column is read once (``Column``), a row's link is the
one URL made for the page with the row's key put in, and a row is one string.

The list's filters' choices and its page links (``quick_pagination``) are written in
Python the same way, not a template node each.

The HTML is Django's own, cell for cell (tests/fixtures/test_admin_rows.py compares the
two for every list with QuickChangelist, on the demo data, and the filters, the results
table and the page links with Django's templates). Lists this does not cover
(editable rows, a popup, a non-integer key) are made by Django as before.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    items_for_result,
    pagination,
    paginator_number,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from core.adminsite import label_case
from core.escaping import conditional_esc as conditional_escape
from core.escaping import esc as escape
from core.escaping import safe
from core.numbers import whole

# The page's change URL is made once with this key, then each row's key is put in
# its place.
KEY_MARK = "0000000000000000000000"
PLAIN_FIELD_CLASSES = (models.DateField, models.TimeField, models.ForeignKey)
DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"
# Django's own messages of its pagination: its admin catalogue translates them.
DJANGO_SHOW_ALL, DJANGO_SAVE = "Show all", "Save"
# …and those of its results table's sorting options, written unescaped as the template's
# {% translate "…" %} writes them (a template's literal is safe, and so its translation).
DJANGO_SORT_REMOVE, DJANGO_SORT_TOGGLE = "Remove from sorting", "Toggle sorting"
DJANGO_SORT_PRIORITY = "Sorting priority: %(priority_number)s"
VALUE_MARK = "QuickListFilterValue"


class KeptHTML:
    """Widget mixin: the widget's HTML made once per process for each name, value,
    attributes and choices (labels in the language of the page), not through the form
    templates (select, each option, attributes) on every view of a change list."""

    kept = {}
    KEEP_AT_MOST = 256

    def render(self, name, value, attrs=None, renderer=None):
        choices = [(str(key), str(label)) for key, label in getattr(self, "choices", ())]
        key = (
            type(self),
            name,
            repr(value),
            repr(self.build_attrs(self.attrs, attrs)),
            repr(choices),
        )
        if key not in self.kept:
            if len(self.kept) >= self.KEEP_AT_MOST:
                self.kept.clear()
            self.kept[key] = super().render(name, value, attrs, renderer)
        return self.kept[key]


class KeptSelect(KeptHTML, forms.Select):
    pass


class KeptHiddenInput(KeptHTML, forms.HiddenInput):
    pass


class QuickActionForm(helpers.ActionForm):
    """Django's action form (the action to run, the hidden "all pages" field), each
    field's HTML kept (KeptHTML): the same on every view of a list."""

    action = forms.ChoiceField(
        label=helpers.ActionForm.base_fields["action"].label, widget=KeptSelect
    )
    select_across = forms.BooleanField(
        label="", required=False, initial=0, widget=KeptHiddenInput({"class": "select-across"})
    )


class QuickChangelist:
    """ModelAdmin mixin for the long lists (papers, models, notes): the rows made by
    ``quick_rows``, the row's checkbox as Django's own (helpers.checkbox) writes it,
    without a widget template rendered for each of the rows, and the action form's
    fields kept (QuickActionForm)."""

    change_list_template = "admin/quick_change_list.html"
    action_form = QuickActionForm

    def action_checkbox(self, obj):
        return mark_safe(self.action_checkboxes()(obj))

    def lookup_allowed(self, lookup, value, request=None):
        """A quick filter's own parameter (QuickListFilter) is allowed: one over a
        many-to-many field names its lookup in full ("tags__id__exact", as Django's
        related-field filter writes it), which Django's check, since 5.2.20, takes only
        from a list filter named after the field itself."""
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        if any(
            isinstance(f, type) and issubclass(f, QuickListFilter) and f.parameter_name == lookup
            for f in filters
        ):
            return True
        return super().lookup_allowed(lookup, value, request)

    def action_checkboxes(self):
        """record → the HTML of its row's checkbox, the label translated once for a page."""
        # Django's own message: its admin catalogue translates it (not ours to extract).
        label = _(DJANGO_CHECKBOX_LABEL)
        return lambda obj: (
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" '
            f'value="{escape(obj.pk)}" class="action-select" '
            f'aria-label="{label.format(escape(obj))}">'
        )


class QuickListFilter(admin.SimpleListFilter):
    """A list filter of many choices (years, topics, organisations), shown as Django's
    admin/filter.html shows one with each choice's line made in Python
    (admin/quick_filter.html), and its query strings made once: the query string with
    VALUE_MARK for the filter's value, each choice's value then put in its place, as
    ``ChangeList.get_query_string`` would write it (its parameters sorted by name, each
    value quoted by urlencode's quote_plus)."""

    template = "admin/quick_filter.html"

    def number(self, request):
        """The filter's value as a whole number (a year, an id; core.numbers.whole); None
        where none is chosen. A value that is not one (an address typed or cut short) is
        left out and the list says so, where it showed every row without a word, as if the
        filter held."""
        value = self.value()
        if not value:
            return None  # "?year=": no filter, as Django reads it
        if (number := whole(value)) is not None:
            return number
        told = request.__dict__.setdefault("_quick_filters_told", set())
        if self.parameter_name not in told:  # once, however often the list asks
            told.add(self.parameter_name)
            messages.warning(
                request,
                _("“%(value)s” is not a choice of the filter “%(filter)s”: every one is shown.")
                % {"value": value, "filter": self.title},
            )
        return None

    def choices(self, changelist):
        made = super().choices(changelist) if changelist.add_facets else self.choices_of(changelist)
        for choice in made:
            yield choice | {"line": choice_line(choice)}

    def choices_of(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        parameter = quote_plus(self.parameter_name)
        query_string = changelist.get_query_string({self.parameter_name: VALUE_MARK})
        start, end = query_string.split(f"{parameter}={VALUE_MARK}")  # once: "=" is quoted
        value = self.value()
        for lookup, title in self.lookup_choices:
            lookup = str(lookup)
            # An id or a year needs no quoting (quote_plus would leave it as it is).
            quoted = lookup if lookup.isascii() and lookup.isdigit() else quote_plus(lookup)
            yield {
                "selected": value == lookup,
                "query_string": f"{start}{parameter}={quoted}{end}",
                "display": title,
            }


def choice_line(choice):
    """A filter choice's line, as admin/filter.html writes it (white space included). Its
    query string, written by urlencode, is a URI already: the template's iriencode leaves
    it as it is."""
    selected = ' class="selected"' if choice["selected"] else ""
    link = escape(choice["query_string"])
    return safe(
        f'\n    <li{selected}>\n    <a href="{link}">{conditional_escape(choice["display"])}</a>'
        "</li>\n  "
    )


@dataclass
class Column:
    name: str
    classes: str  # the cell's class attribute, as Django writes it
    tag: str | None  # "th" or "td" when the cell links to the row's change page
    field: models.Field | None
    empty: str
    # value → its HTML, for a field whose kind decides it alone (text, choices, numbers)
    shown: Callable | None = None
    # result → the cell's HTML, for a column made in one step (the action checkbox)
    made: Callable | None = None
    # the ModelAdmin method the column shows, looked up once for the page
    method: Callable | None = None

    def cell(self, cl, result, link):
        """The cell of this column in the row of ``result``, as items_for_result makes it."""
        classes = self.classes
        try:
            if self.made is not None:
                shown = self.made(result)
            elif self.shown is not None:
                value = getattr(result, self.name)
                if isinstance(value, str) and value.strip() == "":
                    value = ""
                shown = self.shown(value)
            elif self.field is not None:
                shown = conditional_escape(self.field_repr(result))
            else:
                if self.method is not None:
                    result_repr, nowrap = self.displayed(self.method, self.method(result))
                else:
                    result_repr, nowrap = self.value_repr(cl, result)
                if nowrap:
                    classes += " nowrap"
                shown = conditional_escape(result_repr)
        except ObjectDoesNotExist:
            shown = conditional_escape(self.empty)
        if self.tag:
            return f'<{self.tag} class="{classes}"><a href="{link}">{shown}</a></{self.tag}>'
        return f'<td class="{classes}">{shown}</td>'

    def field_repr(self, result):
        field = self.field
        if isinstance(field.remote_field, models.ManyToOneRel):
            value = getattr(result, field.name)
            return self.empty if value is None else value
        value = getattr(result, field.name)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return display_for_field(value, field, self.empty, avoid_link=bool(self.tag))

    def value_repr(self, cl, result):
        """A column of a method, property or callable: Django's own lookup and display."""
        field, attr, value = lookup_field(self.name, result, cl.model_admin)
        return self.displayed(attr, value)

    def displayed(self, attr, value):
        """The value of a column of ``attr`` (a method, property or callable) as Django
        shows it, and whether its cell does not wrap (a date or a time)."""
        empty = getattr(attr, "empty_value_display", self.empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        nowrap = isinstance(value, (datetime.date, datetime.time))
        return display_for_value(value, empty, boolean), nowrap


def shown_by_kind(field, empty):
    """value → its HTML as display_for_field shows a value of the field and
    conditional_escape escapes it, for the kinds of field whose value alone decides it
    (text, choices, integers), worked out once for the page; None for the others."""
    empty = conditional_escape(empty)
    if field.remote_field is not None:
        return None
    if getattr(field, "flatchoices", None):
        try:
            labels = {value: conditional_escape(label) for value, label in field.flatchoices}
        except TypeError:  # list-like choices: Django's own way
            return None
        return lambda value: labels.get(value, empty)
    if isinstance(field, (models.CharField, models.TextField)) and not isinstance(
        field, models.URLField
    ):
        return lambda value: empty if value is None or value == "" else escape(value)
    if isinstance(field, models.IntegerField):
        if not settings.USE_THOUSAND_SEPARATOR:  # number_format writes an int as str() does
            return lambda value: empty if value is None else str(value)
        return lambda value: empty if value is None else escape(formats.number_format(value))
    return None


def columns(cl):
    """What each column of the list is, worked out once for the page."""
    empty = cl.model_admin.get_empty_value_display()
    made, first = [], True
    for index, name in enumerate(cl.list_display):
        link = _links(cl, first, name)
        tag = ("th" if first else "td") if link else None
        first = first and not link
        field = _model_field(cl, name)
        classes = [f"field-{_coerce_field_name(name, index)}"]
        if field is None and name == "action_checkbox":
            classes = ["action-checkbox"]
        elif isinstance(field, PLAIN_FIELD_CLASSES):
            classes.append("nowrap")
        column = Column(name, " ".join(classes), tag, field, empty)
        if field is not None:
            column.shown = shown_by_kind(field, empty)
        elif name == "action_checkbox" and isinstance(cl.model_admin, QuickChangelist):
            column.made = cl.model_admin.action_checkboxes()
        else:
            column.method = _admin_method(cl, name)
        made.append(column)
    return made


def _links(cl, first, name):
    if cl.list_display_links is None:
        return False
    if first and not cl.list_display_links:
        return True
    return name in cl.list_display_links


def _model_field(cl, name):
    """The model field a column shows, or None when a method or callable makes it."""
    if not isinstance(name, str):
        return None
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        return None
    return None if field.auto_created else field


def _admin_method(cl, name):
    """The ModelAdmin method a column shows, where lookup_field would call it (the name is
    no field, nor an attribute of the model); None for other columns."""
    model_admin = cl.model_admin
    if not isinstance(name, str) or name == "__str__" or hasattr(cl.model, name):
        return None
    if not hasattr(model_admin, name):
        return None
    try:
        _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        return getattr(model_admin, name)
    return None


def change_link(cl):
    """The change URL of a row, with the list's filters kept, for the key KEY_MARK."""
    url = reverse(
        f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
        args=(KEY_MARK,),
        current_app=cl.model_admin.admin_site.name,
    )
    return add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)


def quick_rows(cl):
    """Each row of the change list as one string of cells; Django's own rows where this
    does not cover the list (editable rows, a popup, a related field's key, a key
    that is not an integer)."""
    integer_key = isinstance(cl.lookup_opts.pk, (models.AutoField, models.IntegerField))
    if cl.formset or cl.is_popup or cl.to_field or not integer_key:
        return [ResultList(None, items_for_result(cl, result, None)) for result in cl.result_list]
    made = columns(cl)
    try:
        link = conditional_escape(change_link(cl))
    except NoReverseMatch:
        return [ResultList(None, items_for_result(cl, result, None)) for result in cl.result_list]
    attname = cl.lookup_opts.pk.attname
    rows = []
    for result in cl.result_list:
        # The first mark is the path's (the list's filters come after it).
        row_link = link.replace(KEY_MARK, str(getattr(result, attname)), 1)
        cells = "".join(column.cell(cl, result, row_link) for column in made)
        rows.append(ResultList(None, [mark_safe(cells)]))
    return rows


def quick_result_list(cl):
    """Django's ``result_list`` (headers, hidden fields, rows) with ``quick_rows``; where no
    row has a form of its own, the whole table as admin/change_list_results.html writes it
    ("table", one string: ``results_table``), or else Django's template is rendered with
    this context (admin/quick_change_list_results.html)."""
    headers = list(result_headers(cl))
    rows = quick_rows(cl)
    context = {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
        "table": None,
    }
    if not any(row.form for row in rows):
        context["table"] = results_table(context)
    return context


def results_table(context):
    """admin/change_list_results.html, written in Python: the same HTML, white space
    included (the header cells took a tenth of the paper change list as template nodes)."""
    hidden = ""
    if context["result_hidden_fields"]:
        fields = "".join(map(conditional_escape, context["result_hidden_fields"]))
        hidden = f'\n<div class="hiddenfields">\n{fields}\n</div>\n'
    table = ""
    if context["results"]:
        many_sorted = context["num_sorted_fields"] > 1
        head = "".join(_header_cell(header, many_sorted) for header in context["result_headers"])
        rows = "".join(
            f"\n\n<tr>{''.join(map(conditional_escape, row))}</tr>\n" for row in context["results"]
        )
        table = (
            '\n<div class="results">\n<table id="result_list">\n<thead>\n<tr>\n'
            f"{head}\n</tr>\n</thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n</div>\n"
        )
    return safe(f"\n{hidden}\n{table}\n")


def _header_cell(header, many_sorted):
    """One column's header cell, as admin/change_list_results.html writes it."""
    text = str(header["text"])  # a lazy safe text is safe once made a string, as in Django
    shown = label_case(text) if isinstance(text, SafeData) else escape(label_case(text))
    options = ""
    if header["sortable"] and header["sort_priority"] > 0:
        priority = ""
        if many_sorted:
            number = escape(formats.localize(header["sort_priority"]))
            title = _(DJANGO_SORT_PRIORITY) % {"priority_number": number}
            priority = f'<span class="sortpriority" title="{title}">{number}</span>'
        direction = "ascending" if header["ascending"] else "descending"
        options = (
            '\n       <div class="sortoptions">\n'
            f'         <a class="sortremove" href="{escape(header["url_remove"])}" '
            f'title="{_(DJANGO_SORT_REMOVE)}"></a>\n'
            f"         {priority}\n"
            f'         <a href="{escape(header["url_toggle"])}" class="toggle {direction}" '
            f'title="{_(DJANGO_SORT_TOGGLE)}"></a>\n'
            "       </div>\n   "
        )
    if header["sortable"]:
        label = f'<a href="{escape(header["url_primary"])}">{shown}</a>'
    else:
        label = f"<span>{shown}</span>"
    return (
        f'\n<th scope="col"{conditional_escape(header["class_attrib"])}>\n   {options}\n'
        f'   <div class="text">{label}</div>\n   <div class="clear"></div>\n</th>'
    )


def quick_pagination(cl):
    """Django's ``{% pagination cl %}`` (admin/pagination.html, a paginator_number tag for
    each page's link) made in Python: the same HTML, white space included."""
    context = pagination(cl)
    links = ""
    if context["pagination_required"]:
        numbers = "".join(f"\n    {paginator_number(cl, i)}\n" for i in context["page_range"])
        links = f"\n{numbers}\n"
    opts = cl.opts
    name = opts.verbose_name if cl.result_count == 1 else opts.verbose_name_plural
    show_all = ""
    if context["show_all_url"]:
        link, text = escape(context["show_all_url"]), escape(_(DJANGO_SHOW_ALL))
        show_all = f'<a href="{link}" class="showall">{text}</a>'
    save = ""
    if cl.formset and cl.result_count:
        label = escape(_(DJANGO_SAVE))
        save = f'<input type="submit" name="_save" class="default" value="{label}">'
    return safe(
        f'\n\n<p class="paginator">\n{links}\n'
        f"{escape(formats.localize(cl.result_count))} {conditional_escape(name)}\n"
        f"{show_all}\n{save}\n</p>\n"
    )

"""Rows of the knowledge base's long tables, and what a list row says of a paper, made
in Python.

The model list shows a hundred models a page. Through the template engine each row
cost ~0.2 ms (a dozen variable lookups, a filter, two translations) and each model
instance, with its organisation and base, as much again; here a row is one string
joined from the values read (``LanguageModel.objects.for_table()``).
"""

import functools
from collections import namedtuple

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from core.addresses import addresser
from core.compiled import CompiledList, compiled_count, compiled_rows
from core.escaping import esc, joined
from core.language import interface_language

from .models import LanguageModel
from .models.language_models import MODEL_TABLE_COLUMNS


def number(value, separator=None):
    """A Decimal as the template engine shows ``value.normalize``: 70, not 7E+1 (with the
    language's decimal separator: ``separator``, when read once for many numbers)."""
    text = f"{value.normalize():f}"
    separator = separator or get_format("DECIMAL_SEPARATOR")
    return text if separator == "." else text.replace(".", separator)


class ShownOrganizations:
    """A row read as values, with its organisations (``organizations``: names in both
    languages, core.language.Name), kept for readers of either interface language:
    ``organization_names`` are in the reader's (paper_facts), as a Paper's are."""

    @property
    def organization_names(self):
        return [organization.shown_name for organization in self.organizations]


def paper_facts(paper, month=True):
    """The <span>s of what a list row says of a paper: its date (year, and month unless
    ``month`` is False), arXiv ID and organisations (``organization_names``: a Paper's,
    or those of a row read as values)."""
    facts = []
    if paper.year:
        shown_month = f"-{paper.month:02d}" if month and paper.month else ""
        facts.append(f"<span>{paper.year}{shown_month}</span>")
    if paper.arxiv_id:
        facts.append(f'<span class="mono">arXiv:{esc(paper.arxiv_id)}</span>')
    facts.extend(f"<span>{esc(name)}</span>" for name in paper.organization_names)
    return facts


TableRow = namedtuple("TableRow", MODEL_TABLE_COLUMNS)


class ModelTable(CompiledList):
    """The model table's rows (``for_table()``) for an order and an openness, as the
    paginator reads them: a count and slices of TableRow, their SQL compiled once per
    process and order (core.compiled). Building and compiling the count's and the page's
    querysets was a tenth of the cold page's Python."""

    def __init__(self, order, openness):
        """``order``: a tuple of the order_by() expressions; ``openness``: "1" open
        weights only, "0" closed only, "" every model."""
        self.rows_for, self.count_for = _compiled_table(order, openness)

    def count(self):
        return self.count_for()

    def rows(self, page):
        return [TableRow(*row) for row in self.rows_for(page=page)]


@functools.cache
def _compiled_table(order, openness):
    def build():
        models = LanguageModel.objects.for_table()
        if openness:
            models = models.filter(open_weights=openness == "1")
        return models.order_by(*order)

    return compiled_rows(build), compiled_count(build)


def model_rows(rows):
    """Return the model table's <tr> rows for ``for_table()`` rows (safe HTML)."""
    url = addresser("reading:model_detail", "slug")
    separator = get_format("DECIMAL_SEPARATOR")  # read once for the page's numbers
    chinese = interface_language() == "zh"
    # Not in the f-strings: makemessages finds no gettext call inside one.
    open_label, closed_label = esc(_("open")), esc(_("closed"))
    weights = {
        True: f'<span class="badge open">{open_label}</span>',
        False: f'<span class="badge closed">{closed_label}</span>',
        None: "",
    }
    relations = {}  # each relation's label, translated once
    html_rows = []
    for row in rows:
        released = f"{row.released:%Y-%m}" if row.released else ""
        size = "" if row.parameters_b is None else number(row.parameters_b, separator)
        # As shown_name() shows it, the interface's language read once for the page.
        organization = (chinese and row.organization__name_zh) or row.organization__name or ""
        base = ""
        if row.base_model__slug:
            if row.relation not in relations:
                relations[row.relation] = esc(LanguageModel.relation_label(row.relation))
            base = (
                f'<a href="{esc(url(row.base_model__slug))}">{esc(row.base_model__name)}</a> '
                f'<span class="muted">{relations[row.relation]}</span>'
            )
        html_rows.append(
            f'<tr><td><a href="{esc(url(row.slug))}">{esc(row.name)}</a></td>'
            f"<td>{esc(organization)}</td>"
            f"<td>{released}</td>"
            f'<td class="num">{size}</td>'
            f"<td>{weights[row.open_weights]}</td>"
            f"<td>{base}</td></tr>"
        )
    empty = esc(_("No models yet."))
    return joined(html_rows, empty=f'<tr><td colspan="6" class="empty">{empty}</td></tr>')

"""``{{ rows|model_rows }}``: the knowledge base's long tables, made in Python (papers.tables)."""

from django import template

from .. import tables

register = template.Library()
register.filter("model_rows", tables.model_rows)

"""Model families: a root model and every model derived from it, read from the database.

The family pages, a model's page, its lineage lists and the API read families through
``Family``; papers.charts draws them.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Subquery

from core.addresses import address
from core.compiled import MARKS, CompiledList, compiled_count, compiled_rows

from .models import LanguageModel
from .models.language_models import FAMILY

# What the family drawings, the lineage lists and their links read of a model.
DRAWN_FIELDS = ["pk", "slug", "name", "released", "parameters_b", "parameter_sizes"]
DRAWN_FIELDS += ["open_weights", "base_model", "relation", "family_root"]


@dataclass(slots=True, eq=False)
class Member:
    """A model of a family as the drawings, the lineage lists and the API read it: its
    DRAWN_FIELDS, read as values. A family page draws some 150 models, and making each
    one's LanguageModel instance cost ~3 ms of the page."""

    pk: int
    slug: str
    name: str
    released: date | None
    parameters_b: object  # a Decimal, or None
    parameter_sizes: str
    open_weights: bool | None
    base_model_id: int | None
    relation: str
    family_root_id: int | None

    @classmethod
    def of(cls, model):
        """The member a LanguageModel instance is."""
        related = {"base_model", "family_root"}  # their ids, not the models
        fields = (f"{name}_id" if name in related else name for name in DRAWN_FIELDS)
        return cls(*(getattr(model, name) for name in fields))

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("reading:model_detail", slug=self.slug)

    def get_relation_display(self):
        return LanguageModel.relation_label(self.relation)


@dataclass
class Family:
    """A root model and everything derived from it, held in memory."""

    root: Member
    children: dict = field(default_factory=dict)  # pk → [Member]

    @staticmethod
    def _members_query(roots):
        """Return the rows (DRAWN_FIELDS) of the members of the families of these roots
        (pks, or a query giving them): each root and every model whose family root it is."""
        return (
            LanguageModel.objects.alias(family=FAMILY)
            .filter(family__in=roots)
            .order_by("released", "pk")
            .values_list(*DRAWN_FIELDS)
        )

    @classmethod
    def _members(cls, rows):
        """Return the members of these rows (DRAWN_FIELDS) by pk, and each one's derived
        models."""
        by_pk = {}
        for row in rows:
            member = Member(*row)
            by_pk[member.pk] = member
        children = {}
        for m in by_pk.values():
            if m.base_model_id in by_pk:
                children.setdefault(m.base_model_id, []).append(m)
        return by_pk, children

    @classmethod
    def of_roots(cls, root_pks):
        """Return the families of these roots, in the same order."""
        if not root_pks:
            return []
        # A page's roots (ten) by SQL compiled once per number of roots, which takes up to
        # len(MARKS) values; more (every family at once) by the queryset.
        if len(root_pks) <= len(MARKS):
            rows = _roots_rows(*root_pks)
        else:
            rows = cls._members_query(root_pks)
        by_pk, children = cls._members(rows)
        return [cls(by_pk[pk], children) for pk in root_pks if pk in by_pk]

    @classmethod
    def all(cls, per_page=None):
        """Return every family with at least one derived model, largest first, as a lazy
        sequence for a Paginator (of per_page families a page, if given): counting and
        slicing it read only what a page shows."""
        return FamilyList(per_page)

    @staticmethod
    def containing_statement(model):
        """The statement containing() reads, for ``core.compiled.read_ahead``."""
        return _family_rows.statement(model.pk)

    @classmethod
    def containing(cls, model):
        # The root is read in the same query, not taken from the instance, which may have
        # been read before a model above it moved.
        by_pk, children = cls._members(_family_rows(model.pk))
        roots = [m for m in by_pk.values() if m.family_root_id is None]
        if roots:
            return cls(roots[0], children)
        return cls(Member.of(model))

    def __post_init__(self):
        # Keep only the tree below the root, each model once: a cycle of base models
        # (which clean() refuses, but a bulk update could make) cannot loop forever.
        tree, seen, queue = {}, {self.root.pk}, [self.root]
        while queue:
            node = queue.pop(0)
            kids = [kid for kid in self.children.get(node.pk, []) if kid.pk not in seen]
            seen.update(kid.pk for kid in kids)
            tree[node.pk] = kids
            queue.extend(kids)
        self.children = tree

    def kids(self, model):
        return self.children.get(model.pk, [])

    def members(self):
        out, stack = [], [self.root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.kids(node)))
        return out

    def descendants(self, model):
        """Return (depth, model) pairs below the model, depth first."""
        out = []

        def walk(node, depth):
            for kid in self.kids(node):
                out.append((depth, kid))
                walk(kid, depth + 1)

        walk(model, 1)
        return out

    def ancestors(self, model):
        """Return the chain from the root down to the model's parent."""
        parents = {kid.pk: node for node in self.members() for kid in self.kids(node)}
        chain, node = [], model
        while node.pk in parents:
            node = parents[node.pk]
            chain.append(node)
        return list(reversed(chain))


# The rows of the members of the family of a model of an id, their SQL compiled once per
# process (core.compiled): reading a family of 15 took 2.7 ms of CPU with the queryset
# built and compiled each time, 1.2 ms so with raw() model instances, less as values.
_family_rows = compiled_rows(
    lambda pk: Family._members_query(LanguageModel.objects.filter(pk=pk).values(root=FAMILY))
)


def _family_sizes():
    """Every family with at least one derived model (its root's id and its size),
    largest first, then by root name.

    Each root's models are counted through the family_root index, then the roots alone
    ordered: grouping every model joined to its root's name read and joined every model
    (2.8 ms of PostgreSQL's time at 2000 models, 1.2 ms so)."""
    size = (
        LanguageModel.objects.filter(family_root=OuterRef("pk"))
        .order_by()
        .values("family_root")
        .annotate(n=Count("*"))  # of the index's entries: no model's row is read
        .values("n")
    )
    roots = LanguageModel.objects.exclude(family_root=None).values("family_root")
    return (
        LanguageModel.objects.filter(pk__in=roots)
        .annotate(size=Subquery(size))
        .order_by("-size", "name", "released", "pk")
        .values_list("pk", "size")
    )


# The family list's SQL, compiled once per process (core.compiled): building and
# compiling its three querysets was a fifth of the cold family page's Python.
_family_count = compiled_count(
    lambda: LanguageModel.objects.exclude(family_root=None).values("family_root").distinct()
)
_family_roots = compiled_rows(lambda: _family_sizes().values_list("pk"))
# The members of the families of some roots, compiled once per number of roots.
_roots_rows = compiled_rows(lambda *roots: Family._members_query(roots))


# A page number beyond which page_statements() names the count alone: its OFFSET would be
# out of PostgreSQL's range (a batch fails whole) long before any library has so many.
MAX_PAGE_AHEAD = 100_000


class FamilyList(CompiledList):
    """Every family with at least one derived model, largest first, then by root name.

    Families are counted and ordered in the database by their members' family root, so
    ``count()`` is one query and a slice two (its roots, then their members), however
    many models there are. Paginator takes it as it takes a QuerySet.
    """

    def __init__(self, per_page=None):
        self.per_page = per_page

    def page_statements(self, number):
        """The statements a Paginator of per_page families reads for page ``number`` (as
        the address gives it; the first for one that is not a number), for
        ``core.compiled.read_ahead``: the count and the page's roots, in one round trip."""
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        if number > MAX_PAGE_AHEAD:  # past any page: the Paginator shows the last one
            return [_family_count.statement()]
        page = ((number - 1) * self.per_page, self.per_page)
        return [_family_count.statement(), _family_roots.statement(page=page)]

    def count(self):
        return _family_count()

    def rows(self, page):
        if page is None or not self.per_page:
            return Family.of_roots([root for (root,) in _family_roots(page=page)])
        # A page's roots read by a whole page's statement (the Paginator slices the last
        # page to the count): the one page_statements() names.
        offset, limit = page
        roots = _family_roots(page=(offset, max(limit, self.per_page)))[:limit]
        return Family.of_roots([root for (root,) in roots])

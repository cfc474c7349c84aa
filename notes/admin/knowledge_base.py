"""Notes under the papers and models they are about, in the admin.

The knowledge base's admin (papers/admin.py) knows nothing of notes; this module
registers its paper and model admins again with the notes inline added, showing
only the notes the user may edit.
"""

from django.contrib import admin

from notes.models import Note
from papers.admin import LanguageModelAdmin, PaperAdmin
from papers.models import LanguageModel, Paper

from .scoping import NoteInlineBase


class NoteInline(NoteInlineBase, admin.StackedInline):
    model = Note
    extra = 0
    fields = ["title_zh", "title_en", "body_zh", "body_en", "author", "group", "visibility"]
    autocomplete_fields = ["author", "group"]
    show_change_link = True


admin.site.unregister(Paper)
admin.site.unregister(LanguageModel)


@admin.register(Paper)
class PaperWithNotesAdmin(PaperAdmin):
    inlines = [*PaperAdmin.inlines, NoteInline]


@admin.register(LanguageModel)
class LanguageModelWithNotesAdmin(LanguageModelAdmin):
    inlines = [*LanguageModelAdmin.inlines, NoteInline]

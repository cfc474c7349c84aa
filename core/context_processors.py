from core.language import reader_language
from core.views import READING_CHOICES, READING_COOKIE


def reading(request):
    """The reader's bilingual choice: zh, en or both (side by side), and the one language
    a page shows where it has room for only one."""
    choice = request.COOKIES.get(READING_COOKIE)
    choice = choice if choice in READING_CHOICES else "both"
    return {"reading": choice, "reader_language": reader_language(choice)}

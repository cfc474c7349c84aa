from core.views import READING_CHOICES, READING_COOKIE


def reading(request):
    """The reader's bilingual choice: zh, en or both (side by side)."""
    choice = request.COOKIES.get(READING_COOKIE)
    return {"reading": choice if choice in READING_CHOICES else "both"}

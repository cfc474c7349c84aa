"""Figures (notes/figures.py, figure_views.py, admin/figures.py): what an upload accepts,
how it answers the editor, how figures are served, embedded and managed in the admin."""

import hashlib
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes import figures
from notes.models import Figure
from tests.factories import MeetingFactory, MembershipFactory, NoteFactory, UserFactory, picture

pytestmark = pytest.mark.django_db

UPLOAD = "/figures/upload/"


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb():
    """A PNG of a few dozen bytes that declares 100 000 × 100 000 pixels."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def upload(client, data, name="Pasted image 20230615110232.png"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "image/png")})


def test_the_contracts_addresses():
    assert reverse("notes:figure_upload") == UPLOAD
    assert reverse("notes:figure", args=["ab12", "png"]) == "/figures/ab12.png"


# --- Uploading ----------------------------------------------------------------------------


def test_a_member_uploads_a_png(member_client, member):
    data = picture((40, 30))
    response = upload(member_client, data)
    assert response.status_code == 201
    figure = Figure.objects.get()
    url = f"/figures/{hashlib.sha256(data).hexdigest()}.png"
    assert response.json() == {
        "url": url,
        "markdown": f"![Pasted image 20230615110232]({url})",
        "name": "Pasted image 20230615110232.png",
        "width": 40,
        "height": 30,
    }
    assert (figure.content_type, figure.size, figure.uploaded_by) == (
        "image/png",
        len(data),
        member,
    )
    assert bytes(Figure._base_manager.get().data) == data
    assert "no-store" in response["Cache-Control"]


def test_the_same_image_twice_is_one_figure(member_client):
    data = picture(kind="JPEG")
    assert upload(member_client, data, "first.jpg").status_code == 201
    again = upload(member_client, data, "second.jpg")
    assert again.status_code == 200
    assert again.json()["name"] == "second.jpg"  # as it was just named
    assert again.json()["markdown"].startswith("![second](")
    assert Figure.objects.count() == 1


def test_the_same_image_under_another_name_is_found_by_that_name_too(client, group):
    """Two members saved one paper figure as "loss.png" and "Pasted image 1.png": the
    figure kept its first name alone, and the second's embed showed "not uploaded yet",
    while the editor told them it had added "loss.png"."""
    from notes.models import FigureName

    alice, bob = (MembershipFactory(group=group).user for _ in range(2))
    data = picture((41, 30))
    client.force_login(alice)
    assert upload(client, data, "loss.png").status_code == 201
    client.force_login(bob)
    answer = upload(client, data, "Pasted image 1.png").json()
    assert answer["name"] == "Pasted image 1.png"
    figure = Figure.objects.get()
    assert figure.name == "loss.png"
    assert FigureName.objects.get().name == "Pasted image 1.png"
    note = NoteFactory(author=bob, body_en="![[Pasted image 1.png]] and ![[loss.png]]")
    assert note.body_en_html.count(f'src="{figure.get_absolute_url()}"') == 2
    preview = client.post(reverse("notes:markdown_preview"), {"text": "![[Pasted image 1.png]]"})
    assert f'src="{figure.get_absolute_url()}"' in preview.json()["html"]
    assert figures.used_by(figure) == [note]
    # Uploaded again under a name it has, nothing more is kept.
    upload(client, data, "Pasted image 1.png")
    assert FigureName.objects.count() == 1


@pytest.mark.parametrize("kind", ["GIF", "WEBP"])
def test_gif_and_webp_are_accepted(member_client, kind):
    response = upload(member_client, picture(kind=kind), "figure.bin")
    assert response.status_code == 201
    assert Figure.objects.get().content_type == f"image/{kind.lower()}"


def refusal(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert not Figure.objects.exists()
    return response.json()["error"]


def test_text_named_png_is_refused(member_client):
    message = refusal(upload(member_client, b"not an image at all"), 400)
    assert message == "PNG, JPEG, GIF or WebP only; export the drawing as PNG."


def test_another_image_format_is_refused(member_client):
    message = refusal(upload(member_client, picture(kind="BMP")), 400)
    assert message.startswith("PNG, JPEG, GIF or WebP only")


def test_svg_is_refused_with_its_own_message(member_client):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    message = refusal(upload(member_client, svg, "drawing.png"), 400)
    assert message == (
        "SVG drawings are not accepted, since they can carry scripts; export the drawing as PNG."
    )


def test_a_file_over_the_limit_is_refused_with_413(member_client, settings):
    settings.FIGURE_MAX_BYTES = 100
    message = refusal(upload(member_client, picture(noise=True)), 413)
    assert message.startswith("The image is ")
    assert "at most 100\xa0bytes" in message


def test_a_file_far_over_the_limit_is_refused_before_it_is_received(
    member_client, settings, monkeypatch
):
    """Its request says how large it is: refused before the form is read (the file was
    received whole, into a temporary file, then refused)."""
    settings.FIGURE_MAX_BYTES = 100

    def read(*args, **kwargs):
        raise AssertionError("the form was read")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", read)
    message = refusal(upload(member_client, b"\0" * 200_000), 413)
    assert message.startswith("The image is 195.5\xa0KB, at most 100\xa0bytes")


def test_a_file_just_over_the_limit_is_told_in_bytes(member_client, settings):
    """Rounded, the two sizes were the same: "The image is 5.0 MB, at most 5.0 MB"."""
    settings.FIGURE_MAX_BYTES = 5 * 1024 * 1024
    message = refusal(upload(member_client, b"\0" * (5 * 1024 * 1024 + 100)), 413)
    assert message.startswith("The image is 5,242,980 bytes, at most 5,242,880 bytes: ")


def test_a_decompression_bomb_is_refused(member_client):
    message = refusal(upload(member_client, bomb()), 400)
    assert message == (
        "The image has more than 40 million pixels; scale it down and upload it again."
    )


def test_the_pixel_limit_is_counted_in_chinese_units(member_client):
    """ "40 百万像素" read as a word-for-word rendering: Chinese counts in 万."""
    member_client.cookies["django_language"] = "zh-hans"
    message = refusal(upload(member_client, bomb()), 400)
    assert message == "图片超过 4000 万像素；请缩小后重新上传。"


def test_a_unit_the_catalogue_gives_as_no_number_is_a_million(member_client, monkeypatch):
    monkeypatch.setattr("notes.figures.pgettext", lambda context, message: "一百万")
    message = refusal(upload(member_client, bomb()), 400)
    assert message.startswith("The image has more than 40 million pixels")


def test_an_image_over_the_pixel_limit_is_refused(member_client, settings):
    settings.FIGURE_MAX_PIXELS = 1_000_000
    message = refusal(upload(member_client, picture((1001, 1000))), 400)
    assert message.startswith("The image has more than 1 million pixels")
    settings.FIGURE_MAX_PIXELS = 1_001_000
    assert upload(member_client, picture((1001, 1000))).status_code == 201


def test_a_truncated_image_is_refused(member_client):
    data = picture((200, 200), noise=True)
    message = refusal(upload(member_client, data[: len(data) // 2]), 400)
    assert message == "The image is damaged or incomplete; save it again and upload the new file."


def test_an_empty_file_is_refused(member_client):
    assert refusal(upload(member_client, b""), 400) == "The file is empty; choose the image again."


def test_no_file_is_refused(member_client):
    assert refusal(member_client.post(UPLOAD, {}), 400) == "Choose an image to upload."


def test_upload_takes_post_only(member_client):
    assert member_client.get(UPLOAD).status_code == 405


def test_anonymous_is_sent_to_log_in_as_the_preview_is(client):
    preview = client.post(reverse("notes:markdown_preview"), {"text": "x"})
    response = upload(client, picture())
    assert response.status_code == preview.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Figure.objects.exists()


def test_an_account_outside_every_group_may_not_upload(client, user):
    client.force_login(user)
    message = refusal(upload(client, picture()), 403)
    assert message == "Figures are added by the members of a reading group."


def test_staff_outside_every_group_may_upload(client, admin_user):
    client.force_login(admin_user)
    assert upload(client, picture()).status_code == 201


def test_csrf_is_checked_and_refused_in_json(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    message = refusal(upload(client, picture()), 403)
    assert message == "Your session has changed; reload the page, then upload again."
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("a.png", picture(), "image/png")},
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201


# --- Serving ------------------------------------------------------------------------------


@pytest.fixture
def figure(member):
    return figures.store(SimpleUploadedFile("图 1.png", picture((40, 30))), member)[0]


def test_a_figure_is_served_with_its_headers(member_client, figure):
    response = member_client.get(figure.get_absolute_url())
    assert response.status_code == 200
    assert response.content == bytes(Figure._base_manager.get().data)
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["ETag"] == f'"{figure.sha256}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E5%9B%BE%201.png"


def test_a_figure_known_to_the_browser_is_not_sent_again(member_client, figure):
    response = member_client.get(
        figure.get_absolute_url(), headers={"If-None-Match": f'"{figure.sha256}"'}
    )
    assert response.status_code == 304
    assert response.content == b""


def test_unknown_figures_and_wrong_endings_are_not_found(member_client, figure):
    assert member_client.get(f"/figures/{'0' * 64}.png").status_code == 404
    assert member_client.get(f"/figures/{figure.sha256}.jpg").status_code == 404


def test_figures_are_for_logged_in_members(client, figure):
    response = client.get(figure.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Embedding ----------------------------------------------------------------------------


def figure_named(client, name, size):
    upload(client, picture(size), name)
    return Figure.objects.get(name=name, width=size[0])


def test_an_embed_shows_the_figure_with_its_size(member_client, member):
    figure = figure_named(member_client, "Pasted image 1.png", (400, 300))
    note = NoteFactory(
        author=member, body_en="![[Pasted image 1.png]]\n\n![[Pasted image 1.png|200]]"
    )
    url = figure.get_absolute_url()
    assert note.body_en_html == (
        f'<p><img alt="Pasted image 1.png" height="300" src="{url}" width="400"></p>\n'
        f'<p><img alt="Pasted image 1.png" height="150" src="{url}" width="200"></p>'
    )


def test_an_embed_shows_the_latest_figure_of_its_name(member_client, member):
    figure_named(member_client, "plot.png", (40, 30))
    latest = figure_named(member_client, "plot.png", (80, 30))
    note = NoteFactory(author=member, body_en="![[plot.png]]")
    assert f'src="{latest.get_absolute_url()}"' in note.body_en_html


def test_an_image_at_a_relative_address_shows_the_figure_of_its_file_name(member_client, member):
    """As a vault links its files; the note was rendered with the figures of its embeds
    alone, and showed "not uploaded" for a figure that was."""
    figure = figure_named(member_client, "Pasted image 1.png", (400, 300))
    note = NoteFactory(
        author=member,
        body_en="![Loss|200](attachments/Pasted%20image%201.png?v=2)\n\n![](<Pasted%20image%201.png>)",
    )
    url = figure.get_absolute_url()
    assert note.body_en_html == (
        f'<p><img alt="Loss" height="150" src="{url}" width="200"></p>\n'
        f'<p><img alt="" height="300" src="{url}" width="400"></p>'
    )
    preview = member_client.post(
        reverse("notes:markdown_preview"), {"text": "![](attachments/Pasted%20image%201.png)"}
    )
    assert f'src="{url}"' in preview.json()["html"]
    # Obsidian's own name for a pasted image has spaces, written as they are.
    for text in (
        "![](<Pasted image 1.png>)",
        "![](attachments/Pasted image 1.png)",
        '<img src="Pasted image 1.png">',
    ):
        note = NoteFactory(author=member, body_en=text)
        assert f'src="{url}"' in note.body_en_html, text
        assert note in figures.used_by(figure), text


def test_an_embed_of_no_figure_says_it_is_not_uploaded(member):
    note = NoteFactory(author=member, body_en="![[missing.png]]", body_zh="![[缺.png]]")
    assert note.body_en_html == (
        '<p><span class="wikilink wikilink-missing" '
        'title="Figure not uploaded yet: missing.png">missing.png</span></p>'
    )
    assert "!" not in note.body_zh_html


def test_the_preview_shows_embedded_figures(member_client):
    figure = figure_named(member_client, "chart.png", (40, 30))
    response = member_client.post(reverse("notes:markdown_preview"), {"text": "![[chart.png]]"})
    assert f'src="{figure.get_absolute_url()}"' in response.json()["html"]


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_lists_figures_without_their_bytes(staff_client, figure):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("admin:notes_figure_changelist"))
    assertContains(response, f'<img src="{figure.get_absolute_url()}" width="80"')
    assertContains(response, "40 × 30")
    assert not [q for q in queries if '"notes_figure"."data"' in q["sql"]]


def test_the_admin_uploads_a_figure(staff_client, admin_user):
    add = reverse("admin:notes_figure_add")
    assert staff_client.get(add).status_code == 200
    data = picture((20, 10))
    response = staff_client.post(add, {"upload": SimpleUploadedFile("diagram.png", data)})
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert (figure.name, figure.width, figure.uploaded_by) == ("diagram.png", 20, admin_user)
    change = staff_client.get(reverse("admin:notes_figure_change", args=[figure.pk]))
    assertContains(change, f"![diagram]({figure.get_absolute_url()})")


def test_the_admin_refuses_what_the_editor_refuses(staff_client):
    response = staff_client.post(
        reverse("admin:notes_figure_add"),
        {"upload": SimpleUploadedFile("drawing.png", b"<svg></svg>")},
    )
    assertContains(response, "SVG drawings are not accepted")
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "Before.\n\n{figure.markdown}",
        "![[{figure.name}]]",
        "![[{figure.name}|200]]",
        # At a relative address, as rendering reads it (core.wikilinks.figure_names_in).
        "![Loss](attachments/%E5%9B%BE%201.png)",  # 图 1.png
        '![Loss](%E5%9B%BE%201.png?v=2 "title")',
        "![Loss](<attachments/%E5%9B%BE%201.png>)",
        "![Loss][fig]\n\n[fig]: attachments/%E5%9B%BE%201.png",
    ],
    ids=["address", "name", "name and width", "relative", "query", "angle", "reference"],
)
def test_a_figure_that_notes_show_is_not_deleted(staff_client, figure, member, body):
    """Its notes would show a broken image: the admin lists them and keeps the figure."""
    body = body.format(figure=figure)
    note = NoteFactory(author=member, title_en="Scaling laws", body_en=body)
    NoteFactory(author=member, body_en="Another note, no figure.")
    delete = reverse("admin:notes_figure_delete", args=[figure.pk])
    page = staff_client.get(delete)
    assertContains(page, f'<a href="{note.get_absolute_url()}">')
    assertContains(page, "is shown in these texts: take it out of them first")
    staff_client.post(delete, {"post": "yes"})
    assert Figure.objects.filter(pk=figure.pk).exists()
    # The bulk action asks the same.
    staff_client.post(
        reverse("admin:notes_figure_changelist"),
        {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"},
    )
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_a_figure_no_note_shows_is_deleted(staff_client, figure, member):
    NoteFactory(author=member, body_en="![[another.png]] and /figures/abc.png")
    staff_client.post(reverse("admin:notes_figure_delete", args=[figure.pk]), {"post": "yes"})
    assert not Figure.objects.exists()


def test_a_name_given_without_its_ending_gets_it_and_the_change_page_shows_the_embed(
    staff_client, member
):
    """A browser walk named a figure "宽图 zh", wrote ![[宽图 zh.png]] as the help text
    said, and got a missing link."""
    response = staff_client.post(
        reverse("admin:notes_figure_add"),
        {"upload": SimpleUploadedFile("wide.png", picture((30, 10))), "name": "宽图 zh"},
    )
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert figure.name == "宽图 zh.png"
    change = staff_client.get(reverse("admin:notes_figure_change", args=[figure.pk]))
    assertContains(change, "![[宽图 zh.png]]")
    reader = Client()
    reader.force_login(member)
    shown = reader.post(reverse("notes:markdown_preview"), {"text": "![[宽图 zh.png]]"})
    assert f'src="{figure.get_absolute_url()}"' in shown.json()["html"]


def test_the_admin_names_the_figure_an_image_was_uploaded_as(staff_client, figure):
    response = staff_client.post(
        reverse("admin:notes_figure_add"),
        {"upload": SimpleUploadedFile("again.png", bytes(Figure._base_manager.get().data))},
    )
    link = reverse("admin:notes_figure_change", args=[figure.pk])
    assertContains(
        response, f'This image was uploaded before, as <a href="{link}">{figure.name}</a>.'
    )
    assert Figure.objects.count() == 1


@pytest.mark.parametrize("given", ["name", "file"])
def test_a_name_too_long_with_its_ending_is_refused_with_a_message(staff_client, given):
    """The ending was added after the form checked the name's length: a name of 252 to
    255 characters was too long for the column (a 500 on PostgreSQL)."""
    long_name = "图" * 253
    upload = SimpleUploadedFile(
        long_name if given == "file" else "wide.png", picture((30, 10)), "image/png"
    )
    data = {"upload": upload, "name": long_name if given == "name" else ""}
    response = staff_client.post(reverse("admin:notes_figure_add"), data)
    assert response.status_code == 200
    assertContains(response, "has 257 characters; a figure&#x27;s name may have at most 255")
    assert not Figure.objects.exists()


def test_a_figures_name_means_the_authors_own_upload_then_the_first(member, group):
    """The latest upload of a name by anyone was shown: a member of another group who
    uploaded a "loss.png" changed what a note showed at its next save."""
    mine = figures.store(SimpleUploadedFile("loss.png", picture((40, 30))), member)[0]
    note = NoteFactory(author=member, group=group, body_en="![[loss.png]]")
    stranger = UserFactory()
    theirs = figures.store(SimpleUploadedFile("loss.png", picture((41, 30))), stranger)[0]
    note.save()
    assert mine.get_absolute_url() in note.body_en_html
    # Another's note shows the first uploaded of the name, not the latest.
    mate = MembershipFactory(group=group).user
    other = NoteFactory(author=mate, group=group, body_en="![[loss.png]]")
    assert mine.get_absolute_url() in other.body_en_html
    # The stranger's own note, and the author's newer upload of the name, are theirs.
    assert (
        theirs.get_absolute_url()
        in NoteFactory(author=stranger, body_en="![[loss.png]]").body_en_html
    )
    newer = figures.store(SimpleUploadedFile("loss.png", picture((42, 30))), member)[0]
    note.save()
    assert newer.get_absolute_url() in note.body_en_html
    # The preview shows it as saving will.
    client = Client()
    client.force_login(member)
    shown = client.post(reverse("notes:markdown_preview"), {"text": "![[loss.png]]"})
    assert f'src="{newer.get_absolute_url()}"' in shown.json()["html"]


def test_a_meeting_write_up_means_its_groups_upload_as_its_preview_does(member, group):
    """A write-up has no author: it showed the first "loss.png" anyone uploaded (another
    group's), where its preview showed the organiser's own."""
    stranger = UserFactory()
    figures.store(SimpleUploadedFile("loss.png", picture((40, 30))), stranger)
    organiser = MembershipFactory(group=group, role="organiser").user
    ours = figures.store(SimpleUploadedFile("loss.png", picture((41, 30))), organiser)[0]
    meeting = MeetingFactory(group=group, body_en="![[loss.png]]")
    assert ours.get_absolute_url() in meeting.body_en_html
    client = Client()
    client.force_login(organiser)
    shown = client.post(reverse("notes:markdown_preview"), {"text": "![[loss.png]]"})
    assert f'src="{ours.get_absolute_url()}"' in shown.json()["html"]


def test_an_image_uploaded_under_its_name_by_another_member_is_theirs_by_that_name(
    client, group, admin_user
):
    """Alice's X as loss.png, then Bob's Y as loss.png, then Bob's X as loss.png: his
    ![[loss.png]] showed Y, not his latest upload of the name; the admin listed a name
    twice."""
    from notes.models import FigureName

    alice, bob = (MembershipFactory(group=group).user for _ in range(2))
    x, y = picture((41, 30)), picture((42, 30))
    client.force_login(alice)
    upload(client, x, "loss.png")
    client.force_login(bob)
    upload(client, y, "loss.png")
    upload(client, x, "loss.png")
    upload(client, x, "Pasted.png")
    figure_x = Figure.objects.get(sha256=hashlib.sha256(x).hexdigest())
    note = NoteFactory(author=bob, body_en="![[loss.png]]")
    assert f'src="{figure_x.get_absolute_url()}"' in note.body_en_html
    client.force_login(alice)
    upload(client, x, "Pasted.png")
    assert FigureName.objects.filter(name="Pasted.png").count() == 2
    client.force_login(admin_user)
    page = client.get(reverse("admin:notes_figure_change", args=[figure_x.pk]))
    assertContains(page, "![[Pasted.png]]", count=1)

import re

import pytest

from notes.models import Note
from search.query import search
from search.text import highlight, matcher, paragraphs, parse, snippet
from tests.factories import (
    GlossaryTermFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def titles(results, kind=None):
    return [
        str(hit.title)
        for group in results.groups
        if kind in (None, group.kind)
        for hit in group.hits
    ]


def test_parse_splits_at_spaces_and_between_scripts():
    assert [t.text for t in parse("LoRA微调  GPT-3.5 “思维链” -")] == [
        "LoRA",
        "微调",
        "GPT-3.5",
        "思维链",
    ]


def test_highlight_escapes_before_marking():
    regex = matcher(parse("prompting"))
    assert highlight("<b>Prompts</b> & prompt", regex) == (
        "&lt;b&gt;<mark>Prompts</mark>&lt;/b&gt; &amp; <mark>prompt</mark>"
    )


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("C++", "C-Eval in Chinese, and C++ code", "C-Eval in Chinese, and <mark>C++</mark> code"),
        ("Q*", "Quickly quantize with Q* search", "Quickly quantize with <mark>Q*</mark> search"),
        ("LLaMA-Adapter", "LLaMA-Adapters", "<mark>LLaMA-Adapter</mark>s"),
        ("A-3", "A-3 and A-30", "<mark>A-3</mark> and A-30"),
    ],
)
def test_a_short_term_is_marked_as_a_word_not_as_every_words_first_letter(query, text, marked):
    """ "C++" was marked in every word that begins with C, "Q*" in every one with Q."""
    assert highlight(text, matcher(parse(query))) == marked


def test_highlight_keeps_a_texts_own_mark_characters():
    """A text holding the characters that mark matches while it is escaped has its
    pieces escaped one by one: its own characters stay, and are never made tags."""
    regex = matcher(parse("prompting 思维链"))
    text = "a\x02<prompt>\x03 & 思维链\x03"
    assert highlight(text, regex) == (
        "a\x02&lt;<mark>prompt</mark>&gt;\x03 &amp; <mark>思维链</mark>\x03"
    )
    assert highlight("no match <here>", regex) == "no match &lt;here&gt;"
    assert highlight("", regex) == ""
    assert highlight("<思维链>", None) == "&lt;思维链&gt;"


@pytest.mark.parametrize(
    "query, found",
    [
        ("思维链", True),  # three characters inside an unsegmented sentence
        ("以提示", False),  # its two bigrams are in the text, but apart (以提升, 链提示)
        ("链提示可以", True),  # five characters, across what a segmenter would split
        ("提示可以提升推理", True),
        ("提升可以", False),  # every character there, not in this order
        ("推理", True),  # two characters
        ("链", True),  # one character
        ("prompting", True),  # stem of "prompt"
        ("reasons", True),  # stem of "reasoning"
        ("diffusion", False),
        ("思维链 reasoning", True),
        ("思维链 diffusion", False),
    ],
)
def test_search_matches_chinese_inside_words_and_english_by_stem(user, query, found):
    NoteFactory(
        title_zh="提示方法",
        title_en="Prompt methods",
        body_zh="用思维链提示可以提升推理能力。",
        body_en="A chain-of-thought prompt improves reasoning.",
    )
    assert search(user, query).total == (1 if found else 0)


def test_search_ranks_title_matches_before_body_matches(user):
    PaperFactory(title_en="Scaling laws", summary_en="Mentions instruction tuning once.")
    PaperFactory(title_en="Instruction tuning at scale", summary_en="Nothing more.")
    assert titles(search(user, "instruction tuning"), "papers") == [
        "<mark>Instruction</mark> <mark>tuning</mark> at scale",
        "Scaling laws",
    ]


def test_search_marks_the_matched_words_in_an_escaped_snippet(user):
    PaperFactory(title_en="Tools", summary_en="<script>x</script> Models that use tools.")
    [hit] = search(user, "models").groups[0].hits
    assert hit.snippet == "&lt;script&gt;x&lt;/script&gt; <mark>Models</mark> that use tools."


SOFTMAX = "$$\\text{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$"
LOSS = "$\\mathcal{L} = -\\sum_t \\log p(x_t \\mid x_{<t})$"


def inline(tex):
    return f'<span class="arithmatex">\\({tex}\\)</span>'


def test_a_snippet_shows_a_notes_formulas_whole_inline_and_unmarked(user):
    """A browser walk found a display formula shown as its source, "softmax" marked
    inside it, and as a display block amid a one-line snippet."""
    NoteFactory(
        title_en="Attention",
        body_zh="",
        body_en=f"Weights come from a softmax:\n\n{SOFTMAX}\n\nthen the loss {LOSS} is summed.",
    )
    [hit] = search(user, "softmax").groups[4].hits
    assert hit.snippet == (
        "Weights come from a <mark>softmax</mark>: "
        + inline(r"\text{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")
        + " then the loss "
        + inline(r"\mathcal{L} = -\sum_t \log p(x_t \mid x_{&lt;t})")
        + " is summed."
    )


@pytest.mark.parametrize(
    ("written", "searched"),
    [
        ("Scaling Instruction-Finetuned Language Models", "instruction tuning"),
        ("Scaling Instruction-Finetuned Language Models", "fine-tuning"),
        ("Parameter-efficient fine-tuning of large models", "finetuning"),
        ("Parameter-efficient fine tuning of large models", "finetuned"),
        ("Deep bidirectional pre-training for language", "pretraining"),
        ("Improving language understanding by generative pretraining", "pre-training"),
        ("Improving language understanding by generative pretraining", "training"),
        ("用 LoRA fine－tuned 的模型", "finetuning"),  # a Chinese input method's hyphen
    ],
)
def test_the_fields_compounds_are_found_however_written(user, written, searched):
    """ "instruction tuning" did not find "Scaling Instruction-Finetuned Language Models",
    nor "finetuning" a "fine-tuning", nor "pretraining" a "pre-training"."""
    PaperFactory(title_en=written, summary_en="")
    PaperFactory(title_en="Attention is all you need", summary_en="")
    assert [re.sub("</?mark>", "", title) for title in titles(search(user, searched))] == [written]


@pytest.mark.parametrize(
    ("searched", "text", "marked"),
    [
        ("finetuning", "We use fine-tuning here", "We use <mark>fine-tuning</mark> here"),
        ("fine-tuning", "models finetuned on data", "models <mark>finetuned</mark> on data"),
        ("pretraining", "pre-training, not tuning", "<mark>pre-training</mark>, not tuning"),
        ("fine-tuning", "pre-training and finetuning", "pre-training and <mark>finetuning</mark>"),
    ],
)
def test_a_compound_a_term_was_found_in_is_marked(searched, text, marked):
    """ "finetuning" found a "fine-tuning" through the index terms, but nothing was marked
    (and the snippet fell back to the start of the document)."""
    assert highlight(text, matcher(parse(searched))) == marked


def test_a_snippet_stays_in_one_language(user):
    """A snippet ran from the end of a Chinese description into the start of the English
    one: "…使用合成数据进行微调的 Alpaca Alpaca is the LLaMA 7B…"."""
    LanguageModelFactory(
        name="Alpaca",
        description_zh="斯坦福用 GPT 生成的五万条指令对 LLaMA 7B 进行指令微调的 Alpaca",
        description_en="Alpaca is the LLaMA 7B fine-tuned on 52K instructions made by GPT.",
        parameter_sizes="7B",
    )
    [zh] = search(user, "指令微调").groups[1].hits
    assert zh.snippet.startswith("斯坦福用") and zh.snippet.endswith(" …")
    assert "Alpaca is" not in zh.snippet
    [en] = search(user, "instructions").groups[1].hits
    assert en.snippet == (
        "… Alpaca is the LLaMA 7B fine-tuned on 52K <mark>instructions</mark> made by GPT. …"
    )


def test_a_snippet_does_not_repeat_the_subtitle(user):
    """A model found by a word of its architecture showed its facts line as the snippet,
    word for word the subtitle above it: the snippet shows its description instead, or
    nothing where it has none."""
    org = OrganizationFactory(name="Beijing Academy of AI")
    facts = {"organization": org, "parameter_sizes": "7B", "architecture": "Transformer"}
    LanguageModelFactory(name="Aquila", description_en="Trained from scratch.", **facts)
    LanguageModelFactory(name="Bare", description_en="", description_zh="", **facts)
    hits = {hit.title: hit for hit in search(user, "transformer").groups[1].hits}
    assert "Transformer" in hits["Aquila"].subtitle
    assert hits["Aquila"].snippet == "Trained from scratch."
    assert hits["Bare"].snippet == ""
    # A fact the subtitle does not show is still the snippet where it matched.
    LanguageModelFactory(name="Gamma", training_tokens="2T tokens", description_en="A model.")
    [gamma] = search(user, "tokens").groups[1].hits
    assert "<mark>tokens</mark>" in gamma.snippet


def test_a_snippet_reads_each_text_on_its_own():
    """Dollars in the Chinese text and the English one were read as one formula across
    them, hiding the match; a snippet shows the text with the match."""
    text = paragraphs("训练花费 $5 左右", "Alpaca costs $10 to train, cheap")
    shown = snippet(text, matcher(parse("alpaca")), dollars=True)
    assert shown == "… <mark>Alpaca</mark> costs $10 to train, cheap"
    assert snippet(paragraphs("A", "A"), matcher(parse("zzz"))) == "A …"


def test_a_snippet_shows_the_part_preferred_where_it_has_a_match_or_none_has():
    text = paragraphs("中文正文 LoRA", "English text, LoRA", "Facts")
    regex = matcher(parse("zzz"))
    assert snippet(text, regex) == "中文正文 LoRA …"
    assert snippet(text, regex, preferred_part=1) == "… English text, LoRA …"
    assert snippet(text, regex, preferred_part=5) == "中文正文 LoRA …"  # no such part
    assert snippet(text, matcher(parse("facts")), preferred_part=1) == "… <mark>Facts</mark>"
    lora = matcher(parse("lora"))
    assert snippet(text, lora) == "中文正文 <mark>LoRA</mark> …"
    assert snippet(text, lora, preferred_part=1) == "… English text, <mark>LoRA</mark> …"


@pytest.mark.parametrize(
    ("language", "note_snippet", "paper_snippet", "meeting_snippet"),
    [
        (
            "en",
            "… Tools help the model reason.",
            "… We teach models to call tools.",
            "… Scaling results. …",
        ),
        ("zh-hans", "工具帮助模型推理。 …", "我们教模型调用工具。 …", "规模定律的结果。 …"),
    ],
)
def test_a_hit_matched_by_its_title_alone_shows_the_text_in_the_readers_language(
    language, note_snippet, paper_snippet, meeting_snippet, admin_user
):
    """The English interface showed the Chinese text of a bilingual record found by its
    title: the first part of its body."""
    from django.utils import translation

    NoteFactory(
        title_zh="笔记", title_en="Zebrafish notes", body_zh="工具帮助模型推理。",
        body_en="Tools help the model reason.",
    )  # fmt: skip
    PaperFactory(
        title_en="Zebrafish paper", summary_zh="我们教模型调用工具。",
        summary_en="We teach models to call tools.",
    )  # fmt: skip
    MeetingFactory(
        title_en="Zebrafish meeting", body_zh="规模定律的结果。", body_en="Scaling results.",
        minutes="Minutes.",
    )  # fmt: skip
    with translation.override(language):
        hits = {g.kind: g.hits for g in search(admin_user, "zebrafish").groups}
    assert [h.snippet for h in hits["notes"]] == [note_snippet]
    assert [h.snippet for h in hits["papers"]] == [paper_snippet]
    assert [h.snippet for h in hits["meetings"]] == [meeting_snippet]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "… We fine-tune with <mark>LoRA</mark>."),
        ("zh-hans", "我们用 <mark>LoRA</mark> 微调。 …"),
    ],
)
def test_a_match_in_both_texts_is_shown_in_the_readers_language(language, shown, admin_user):
    """A Chinese note names the paper and methods it discusses in English: the English
    interface showed the Chinese text around them, not the English text's match."""
    from django.utils import translation

    NoteFactory(body_zh="我们用 LoRA 微调。", body_en="We fine-tune with LoRA.")
    with translation.override(language):
        [notes] = [g for g in search(admin_user, "lora").groups if g.kind == "notes"]
    assert [h.snippet for h in notes.hits] == [shown]


def test_a_hit_with_one_language_shows_its_text_in_either_interface(admin_user):
    from django.utils import translation

    NoteFactory(title_en="Zebrafish notes", body_zh="", body_en="Only English.")
    NoteFactory(title_en="Zebrafish again", body_zh="只有中文。", body_en="")
    with translation.override("en"):
        [group] = [g for g in search(admin_user, "zebrafish").groups if g.kind == "notes"]
    assert sorted(h.snippet for h in group.hits) == ["Only English.", "只有中文。"]


def test_a_snippet_leaves_out_a_formula_its_edge_falls_in():
    """A snippet cut mid-formula showed "\\(\\mathcal{L} = … x_{<t})\\ …"."""
    regex = matcher(parse("objective"))
    loss = r"\(\mathcal{L} = -\sum_t \log p(x_t \mid x_{<t})\)"
    text = "w " * 60 + loss + " is the objective, " + "more " * 14 + loss + " again."
    # The part shown begins 30 characters before the match, inside the first formula,
    # and ends 90 after, inside the second.
    assert snippet(text, regex, length=90) == (
        "… is the <mark>objective</mark>, " + "more " * 13 + "more …"
    )


def test_a_snippet_around_a_match_inside_a_formula_shows_the_formula():
    regex = matcher(parse("mathcal"))
    loss = r"\(\mathcal{L} = -\sum_t \log p(x_t)\)"
    text = "words " * 60 + "the loss " + loss + " is summed " + "tail " * 60
    shown = snippet(text, regex)
    assert inline(r"\mathcal{L} = -\sum_t \log p(x_t)") in shown
    assert "<mark>" not in shown and shown.startswith("… ") and shown.endswith(" …")
    # A match outside a formula is preferred, however much later.
    assert snippet(text + " mathcal", regex).endswith("<mark>mathcal</mark>")


def test_a_formula_too_long_for_a_snippet_is_left_out():
    regex = matcher(parse("softmax"))
    formula = r"\[" + "a+" * 150 + r"\text{softmax}\]"
    assert snippet(formula + " after it", regex) == "… after it"
    assert snippet("Before it " + formula + " after it", regex) == "Before it …"


def test_a_snippet_of_an_abstract_typesets_its_dollars_and_a_note_keeps_them(user):
    PaperFactory(title_en="Limits", summary_en="The large $N$ limit of $U(N)$ theories holds.")
    NoteFactory(title_en="Prices", body_zh="", body_en="The theories cost $5 and $10 to check.")
    results = search(user, "theories")
    [paper] = results.groups[0].hits
    assert paper.snippet.startswith(
        f"The large {inline('N')} limit of {inline('U(N)')} <mark>theories</mark> holds."
    )
    [note] = results.groups[4].hits
    assert note.snippet == "The <mark>theories</mark> cost $5 and $10 to check."


def test_search_counts_every_kind_and_paginates_one_kind(user):
    PaperFactory.create_batch(23, summary_en="about agents")
    GlossaryTermFactory(body_en="Agents act.")
    results = search(user, "agent")
    assert {g.kind: g.count for g in results.groups} == {
        "papers": 23,
        "models": 0,
        "datasets": 0,
        "glossary": 1,
        "notes": 0,
        "meetings": 0,
        "comments": 0,
    }
    assert [len(g.hits) for g in results.groups] == [5, 0, 0, 1, 0, 0, 0]
    second = search(user, "agent", kind="papers", page=2)
    assert (second.page.number, len(second.page.object_list)) == (2, 3)
    assert [len(g.hits) for g in second.groups] == [3, 0, 0, 0, 0, 0, 0]


def test_search_pages_beyond_the_first_and_past_the_last(user):
    for i in range(23):
        PaperFactory(title_en=f"Agents {i:02}", summary_en="about agents")
    pages = [search(user, "agent", kind="papers", page=p) for p in (1, 2, 9, "x")]
    assert [r.page.number for r in pages] == [1, 2, 2, 1]
    assert [str(h.title) for h in pages[2].page.object_list] == [
        "<mark>Agents</mark> 20",
        "<mark>Agents</mark> 21",
        "<mark>Agents</mark> 22",
    ]


def test_search_counts_each_kind_up_to_the_cap(user, monkeypatch):
    monkeypatch.setattr("search.query.CAP", 2)
    PaperFactory(title_en="Agents at work", summary_en="agents")
    PaperFactory.create_batch(2, summary_en="about agents")
    GlossaryTermFactory(body_en="Agents act.")
    results = search(user, "agent")
    papers, glossary = results.groups[0], results.groups[3]
    assert (papers.count, papers.capped, papers.count_text) == (2, True, "2+")
    assert (glossary.count, glossary.capped, glossary.count_text) == (1, False, "1")
    assert (results.total, results.capped) == (3, True)
    assert len(search(user, "agent", kind="papers").page.object_list) == 2


def test_search_pages_one_kind_in_the_order_of_its_first_results(user, monkeypatch):
    monkeypatch.setattr("search.query.CAP", 7)
    monkeypatch.setattr("search.query.PER_PAGE", 3)
    for i in range(4):
        PaperFactory(title_en=f"Paper {i}", summary_en="about agents")
        PaperFactory(title_en=f"Agents {i}", summary_en="agents")
    GlossaryTermFactory(title_en="Agent", body_en="Agents act.")
    first = titles(search(user, "agent"), "papers")
    pages = [search(user, "agent", kind="papers", page=p) for p in (1, 2, 3)]
    paged = [str(hit.title) for page in pages for hit in page.page.object_list]
    # Each kind's matches read up to CAP + 1 and ranked up to CAP: title matches first.
    assert paged[:5] == first
    assert len(paged) == len(set(paged)) == 7
    assert paged[:4] == [f"<mark>Agents</mark> {i}" for i in range(4)]
    assert [g.count for g in pages[2].groups] == [7, 0, 0, 1, 0, 0, 0]


def test_search_respects_note_visibility(member, group):
    outsider = UserFactory()
    body = {"body_en": "Secret sauce.", "body_zh": ""}
    NoteFactory(author=member, title_en="mine", visibility=Note.Visibility.PRIVATE, **body)
    NoteFactory(group=group, title_en="ours", visibility=Note.Visibility.GROUP, **body)
    NoteFactory(title_en="public", visibility=Note.Visibility.EVERYONE, **body)
    found = search(member, "sauce").groups[4].hits
    assert sorted(hit.title for hit in found) == ["mine", "ours", "public"]  # in English
    assert search(outsider, "sauce").total == 1


def test_search_shows_meetings_to_their_group_only(member, group):
    MeetingFactory(group=group, body_zh="规模定律")
    MeetingFactory(body_zh="规模定律")
    assert search(member, "规模定律").groups[5].count == 1
    MembershipFactory(user=member)
    meetings = search(UserFactory(is_superuser=True), "规模定律").groups[5]
    assert (meetings.count, len(meetings.hits)) == (2, 2)


def test_search_without_terms_finds_nothing(user):
    PaperFactory()
    assert search(user, "  -  ").total == 0


def test_an_arxiv_id_is_found_inside_a_link(user):
    NoteFactory(
        body_zh="",
        body_en="Read https://arxiv.org/pdf/2303.18223.pdf and arxiv.org/abs/1706.03762v5.",
    )
    assert search(user, "2303.18223").total == 1
    assert search(user, "1706.03762").total == 1
    assert search(user, "2303.1822").total == 0


@pytest.mark.parametrize(
    "typed",
    ["arXiv 2303.18223", "arXiv: 2303.18223v2", "2303.18223 [cs.CL]", "arXiv:2303.18223 [cs.CL]"],
)
def test_an_arxiv_reference_as_running_text_writes_it_is_its_id(user, typed):
    """ "arXiv 2303.18223 [cs.CL]", as arXiv's pages and reference lists print it, looked
    for the words "arXiv" and "[cs.CL]" too, and found nothing."""
    PaperFactory(title_en="A Survey of Large Language Models", arxiv_id="2303.18223")
    PaperFactory(title_en="Another paper", arxiv_id="2106.09685")
    assert [g.count for g in search(user, typed).groups if g.kind == "papers"] == [1]


@pytest.mark.parametrize(
    "pasted",
    [
        "arxiv.org/pdf/2106.09685v2.pdf",
        "www.arxiv.org/abs/2106.09685",
        "https://arxiv.org/abs/2106.09685?context=cs",
        "10.48550/arXiv.2106.09685",
        "https://doi.org/10.48550/arXiv.2106.09685",
    ],
)
def test_an_arxiv_reference_add_papers_takes_finds_its_paper(user, pasted):
    """A link without its scheme (as an address bar copies it) or with a query, and arXiv's
    DOI of the preprint: Add papers reads them as the ID, the search found nothing."""
    PaperFactory(title_en="LoRA", arxiv_id="2106.09685")
    PaperFactory(title_en="Another paper", arxiv_id="2303.18223")
    assert [g.count for g in search(user, pasted).groups if g.kind == "papers"] == [1]


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [("thougth", "thought", 1), ("thougth", "through", 2), ("prompt", "prompt", 0), ("", "ab", 2)],
)
def test_edits_count_a_swap_of_two_letters_as_one(a, b, n):
    from search.backends import edits

    assert edits(a, b) == n


@pytest.mark.parametrize(
    ("typed", "word", "n"),
    [("lamma", "llama", 1), ("bannana", "banana", 1), ("lamma", "lama", 1), ("llama", "llama", 0)],
)
def test_a_letter_doubled_in_the_wrong_place_is_one_slip(typed, word, n):
    from search.backends import edits, slips

    assert slips(typed, word) == n
    assert edits("lamma", "llama") == 2


@pytest.mark.parametrize(
    ("typed", "word", "n"),
    [
        ("llma", "llms", 2),  # its last letter replaced: another ending
        ("llma", "llama", 1),  # a letter left out
        ("promt", "promp", 2),
        ("modle", "model", 1),  # the last two letters swapped
        ("mode", "model", 1),  # the last letter left out
        ("models", "model", 1),  # a letter more at the end
        ("lamma", "lamda", 1),  # a letter replaced inside
    ],
)
def test_a_last_letter_replaced_is_two_slips(typed, word, n):
    from search.backends import edits, slips

    assert slips(typed, word) == n
    assert edits("llma", "llms") == 1  # edits themselves as before


def test_a_letter_left_out_is_nearer_than_another_ending(user):
    """ "llma" is LLaMA with a letter left out, not "llms" with its last letter replaced,
    though LLMs are in more of the library's documents."""
    PaperFactory(title_en="LLaMA: Open and Efficient Foundation Language Models")
    for n in range(3):
        PaperFactory(title_en=f"Evaluating LLMs {n}", summary_en="")
    assert search(user, "llma").corrected == "llama"
    # Ten times as many documents still make the farther word the likelier.
    for n in range(30):
        PaperFactory(title_en=f"Aligning LLMs {n}", summary_en="")
    assert search(user, "llma").corrected == "llms"


def test_of_two_spellings_as_near_the_one_in_more_documents_is_suggested(user):
    PaperFactory(title_en="Memory module", summary_en="")
    for n in range(3):
        PaperFactory(title_en=f"Language model {n}", summary_en="")
    results = search(user, "modle")
    assert results.corrected == "model"
    assert results.total == 3


def test_a_correction_that_finds_nothing_is_not_offered(user):
    """ "lerning qqqqzzzz": the page said "showing results for learning qqqqzzzz" above
    "Nothing … matches": results that were none."""
    PaperFactory(title_en="In-context learning", summary_en="")
    assert search(user, "lerning").corrected == "learning"
    results = search(user, "lerning qqqqzzzz")
    assert (results.corrected, results.total) == (None, 0)
    assert [g.count for g in results.groups] == [0] * len(results.groups)


def test_only_what_every_member_may_read_weighs_a_suggestion(user):
    """The words' documents are counted among what every member may read: a private
    note says nothing to someone else; a note written for everyone counts."""
    PaperFactory(title_en="Memory module", summary_en="")
    PaperFactory(title_en="Language model", summary_en="")
    for _ in range(3):
        NoteFactory(visibility="private", title_en="A model", body_en="model", body_zh="")
    assert search(user, "modle").corrected == "module"  # the nearer by difflib, as before
    NoteFactory(visibility="everyone", title_en="A model", body_en="model", body_zh="")
    assert search(user, "modle").corrected == "model"


def test_a_headings_link_mark_is_not_indexed_text():
    from core.markdown import render
    from search.text import html_to_text

    text = html_to_text(render("# 关键技术\n\n大语言模型能够成功"))
    assert "#" not in text
    assert "关键技术" in text and "大语言模型能够成功" in text


def test_a_hits_subtitle_does_not_repeat_its_title(member):
    from search.index import note_fields
    from tests.factories import NoteFactory, PaperFactory

    title = "A Survey on Multimodal Large Language Models"
    paper = PaperFactory(title_en=title, title_zh="")
    note = NoteFactory(author=member, paper=paper, title_en=title, title_zh=title)
    fields = note_fields(note)
    assert fields["title"] == title
    assert title not in fields["subtitle"]
    assert fields["subtitle"] == note.byline


def test_a_papers_subtitle_leaves_out_a_chinese_title_that_repeats_the_english_one(member):
    from search.index import paper_fields
    from tests.factories import PaperFactory

    short = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="Llama Guard")
    chinese = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="Llama 护栏")
    assert "Llama Guard ·" not in paper_fields(short)["subtitle"]
    assert paper_fields(chinese)["subtitle"].startswith("Llama 护栏")


def test_a_datasets_kind_is_named_in_the_readers_language(member):
    from django.utils import translation

    from search.index import rebuild
    from tests.factories import DatasetFactory

    DatasetFactory(name="Alpaca", kind="instruction", size="52K")
    with translation.override("en"):  # the index is built in one language …
        rebuild()
    for language, label in [("zh-hans", "指令数据"), ("en", "Instruction data")]:
        with translation.override(language):  # … and read in either
            [hit] = [hit for group in search(member, "Alpaca").groups for hit in group.hits]
            assert hit.subtitle == f"{label} · 52K"
    with translation.override("en"):  # a kind is found by its name in either language
        assert titles(search(member, "指令数据")) == ["Alpaca"]
        assert titles(search(member, "instruction data")) == ["Alpaca"]


def test_a_long_query_is_cut_after_a_whole_word():
    from search.query import MAX_QUERY, is_shortened, normalised

    words = " ".join(["transformer"] * 30)  # 359 characters
    cut = normalised(words)
    assert len(cut) <= MAX_QUERY and cut.split() == ["transformer"] * len(cut.split())
    assert is_shortened(words) and not is_shortened("  chain   of thought ")
    assert normalised("  chain   of thought ") == "chain of thought"
    assert normalised("思" * 300) == "思" * MAX_QUERY  # no spaces: cut where it falls


def test_a_full_width_query_is_searched_and_shown_as_typed_half_width():
    from search.query import normalised

    assert normalised("ＬｏＲＡ") == "LoRA"
    assert normalised("ＧＰＴ－４　１２３") == "GPT-4 123"  # the ideographic space too
    # Chinese stays as written, and so do the stops and enumeration commas; the other
    # full-width stops become ASCII, which split terms alike.
    assert normalised("思维链，推理：微调。、《》") == "思维链,推理:微调。、《》"
    assert [t.text for t in parse(normalised("ＬｏＲＡ微调，ＧＰＴ－４"))] == [
        "LoRA",
        "微调",
        "GPT-4",
    ]


def test_search_of_full_width_letters_finds_what_half_width_does(user):
    PaperFactory(title_en="LoRA: Low-Rank Adaptation", summary_en="Adapters for GPT-3.")
    results = search(user, "ＬｏＲＡ")
    assert results.query == "LoRA"
    assert titles(results) == ["<mark>LoRA</mark>: Low-Rank Adaptation"]
    assert search(user, "ｌｏｒａ ＧＰＴ－３").total == 1


def test_text_written_full_width_is_found_half_width(user):
    NoteFactory(
        title_zh="笔记", title_en="", body_zh="用ＬｏＲＡ微调ＧＰＴ－４，效果好。", body_en=""
    )
    for q in ["LoRA", "ＬｏＲＡ", "gpt4", "GPT-4", "微调"]:
        assert search(user, q).total == 1, q
    [hit] = search(user, "lora").groups[4].hits
    # The letters are indexed (and shown) folded; the Chinese punctuation as written.
    assert hit.snippet == "用 <mark>LoRA</mark> 微调 GPT－4，效果好。"


@pytest.fixture
def named(db):
    """Documents that write a name and its number in each way, and some that do not."""
    from tests.factories import LanguageModelFactory

    records = {
        "report": PaperFactory(title_en="GPT-4 Technical Report", summary_en="A model."),
        "model": LanguageModelFactory(name="GPT-4", slug="gpt-4"),
        "glued": PaperFactory(title_en="Evaluating", summary_en="We ask GPT4 and LLaMA2."),
        "spaced": PaperFactory(title_en="Open models", summary_en="Llama 2 and GPT 4."),
        "chat": PaperFactory(title_en="Llama-2-Chat tuned", summary_en="Dialogue."),
        "qwen": PaperFactory(title_en="Qwen-2 report", summary_en="Qwen2-72B."),
        "apart": PaperFactory(title_en="GPT-3 at 4 sizes", summary_en="GPT-4o, GPT-4.5."),
    }
    return {name: record.get_absolute_url() for name, record in records.items()}


@pytest.mark.parametrize(
    "query, found",
    [
        ("gpt4", {"report", "model", "glued", "spaced"}),
        ("GPT-4", {"report", "model", "glued", "spaced"}),
        ("GPT4", {"report", "model", "glued", "spaced"}),
        ("ｇｐｔ４", {"report", "model", "glued", "spaced"}),
        ("llama2", {"glued", "spaced", "chat"}),
        ("Llama-2", {"glued", "spaced", "chat"}),
        ("qwen2", {"qwen"}),
        ("qwen-2", {"qwen"}),
        ("gpt3", {"apart"}),
        ("GPT-4o", {"apart"}),  # found as written: no name with a number
        ("gpt", {"report", "model", "spaced", "apart"}),  # GPT4 is one word, not gpt
    ],
)
def test_a_name_and_its_number_are_found_however_written(user, named, query, found):
    results = search(user, query)
    urls = [hit.url for group in results.groups for hit in group.hits]
    assert sorted(urls) == sorted(named[name] for name in found)


def test_a_name_and_its_number_in_the_title_rank_first(user):
    PaperFactory(title_en="Sparks of intelligence", summary_en="Early experiments with GPT-4.")
    PaperFactory(title_en="GPT-4 Technical Report", summary_en="A large multimodal model.")
    PaperFactory(title_en="Zero-shot reasoners", summary_en="We prompt GPT4.")
    assert titles(search(user, "gpt4"), "papers") == [
        "<mark>GPT-4</mark> Technical Report",
        "Sparks of intelligence",
        "Zero-shot reasoners",
    ]


def test_a_name_and_its_number_are_marked_however_written():
    regex = matcher(parse("gpt4"))
    assert highlight("GPT-4, GPT4, GPT 4, 基于GPT-4, GPT-4o, GPT-4.5, GPT40.", regex) == (
        "<mark>GPT-4</mark>, <mark>GPT4</mark>, <mark>GPT 4</mark>, 基于<mark>GPT-4</mark>, "
        "GPT-4o, GPT-4.5, GPT40."
    )
    assert [(t.text, t.searched) for t in parse("GPT-4 llama2 t5 for2 in-10 GPT-4o")] == [
        ("GPT-4", "gpt4"),
        ("llama2", "llama2"),
        ("t5", "t5"),
        ("for2", "for2"),
        ("in-10", "in-10"),  # a stop word is no name
        ("GPT-4o", "GPT-4o"),
    ]

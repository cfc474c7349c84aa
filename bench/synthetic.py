"""Synthetic, realistic bilingual data at a chosen scale, for the benchmark.

Markdown is rendered once per template (a few note and write-up templates); each
record reuses the rendered HTML with its own topic words put in, so that 100k
papers take minutes rather than hours.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape
from taggit.models import Tag

from core.markdown import extract_toc, render
from notes.models import GlossaryTerm, Meeting, Membership, Note, ReadingGroup
from papers.models import Dataset, LanguageModel, Organization, Paper

BATCH = 2000
PREFIX = "bench-"
USERNAME = "bench"

# (English, Chinese) research topics; each paper draws two, so a topic query finds a few percent.
TOPICS = [
    ("chain-of-thought prompting", "思维链提示"), ("instruction tuning", "指令微调"),
    ("in-context learning", "上下文学习"), ("emergent abilities", "涌现能力"),
    ("reinforcement learning from human feedback", "人类反馈强化学习"),
    ("retrieval-augmented generation", "检索增强生成"), ("mixture of experts", "混合专家模型"),
    ("parameter-efficient fine-tuning", "参数高效微调"), ("LoRA adapters", "低秩适配"),
    ("quantization", "模型量化"), ("knowledge distillation", "知识蒸馏"),
    ("long-context modeling", "长上下文建模"), ("tool learning", "工具学习"),
    ("code generation", "代码生成"), ("mathematical reasoning", "数学推理"),
    ("hallucination", "幻觉问题"), ("alignment", "对齐"), ("scaling laws", "缩放定律"),
    ("tokenization", "分词"), ("multilingual pre-training", "多语言预训练"),
    ("vision-language models", "视觉语言模型"), ("speech recognition", "语音识别"),
    ("machine translation", "机器翻译"), ("question answering", "问答系统"),
    ("summarization", "文本摘要"), ("dialogue systems", "对话系统"),
    ("evaluation benchmarks", "评测基准"), ("data curation", "数据清洗"),
    ("safety and red teaming", "安全与红队测试"), ("model editing", "模型编辑"),
    ("agents and planning", "智能体与规划"), ("sparse attention", "稀疏注意力"),
    ("positional encoding", "位置编码"), ("self-consistency", "自洽性"),
    ("preference optimization", "偏好优化"), ("synthetic data", "合成数据"),
    ("continual learning", "持续学习"), ("federated learning", "联邦学习"),
    ("efficient inference", "高效推理"), ("speculative decoding", "推测解码"),
]  # fmt: skip
ADJECTIVES = ["Scalable", "Efficient", "Robust", "Simple", "Unified", "Towards Better",
              "Rethinking", "Understanding", "Improving", "Revisiting"]  # fmt: skip

NOTE_TEMPLATES = [
    """# 阅读笔记：{t_zh}

本文研究 **{t_zh}**（{t_en}）。作者在 {n} 个基准上评测，结论是规模越大效果越好。

> [!note] 要点
> {t_en} 与 {u_zh} 结合时，效果提升最明显。

- 方法：先预训练，再进行{u_zh}
- 损失函数：$L = -\\sum_i \\log p(x_i \\mid x_{{<i}})$
- 数据：约 {n}B tokens

## English summary

The paper studies {t_en} and its interaction with {u_en}. Experiments on {n} benchmarks
show consistent gains; ablations suggest the improvement comes from better data.
""",
    """## {t_en}: what we learned

We read this paper on **{t_en}** ({t_zh}) in the group. Key points:

1. The model is trained with {u_en} on {n}B tokens.
2. Results improve steadily with scale, see the table.

| setting | score |
| --- | --- |
| baseline | {n}.0 |
| + {u_en} | {n}.7 |

讨论：{t_zh}在中文任务上同样有效，但{u_zh}的收益较小。
""",
    """# {t_zh} 与 {u_zh}

组会讨论记录。问题：为什么{t_zh}能提升推理能力？

```python
def score(model, batch):
    return model(batch).logits.mean()
```

Notes in English: {t_en} helps most when combined with {u_en}; the effect is smaller below
{n}B parameters, which matches earlier findings on emergent behaviour.
""",
]
WRITEUP_TEMPLATE = """# 组会分享：{t_zh}

## 背景

{t_en} has become a central topic. 本次分享介绍{t_zh}的主要方法与实验。

## 方法

- {u_en}（{u_zh}）
- 公式：$p(y \\mid x) = \\prod_t p(y_t \\mid y_{{<t}}, x)$

## 讨论

1. 数据规模的影响
2. 与 {u_en} 的比较
"""
PLACEHOLDERS = ["t_en", "t_zh", "u_en", "u_zh", "n"]


@dataclass
class Rendered:
    """A Markdown template rendered once, with placeholders to fill in source and HTML."""

    source: str
    html: str

    @classmethod
    def of(cls, template):
        markers = {name: f"QQ{name.upper().replace('_', '')}QQ" for name in PLACEHOLDERS}
        source = template.format(**markers)
        return cls(source, render(source, resolve_wikilink=lambda target: None))

    def fill(self, values):
        source, html = self.source, self.html
        for name, value in values.items():
            marker = f"QQ{name.upper().replace('_', '')}QQ"
            source = source.replace(marker, str(value))
            html = html.replace(marker, escape(str(value)))
        return source, html


def batched(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Generator:
    """Create papers, notes, models, datasets, meetings and terms; ``progress(n)`` ticks."""

    def __init__(self, papers, notes_per_paper=3, seed=1, progress=None, password="bench"):
        self.papers = papers
        self.notes_per_paper = notes_per_paper
        self.random = random.Random(seed)
        self.progress = progress or (lambda n: None)
        self.password = password
        self.note_templates = [Rendered.of(t) for t in NOTE_TEMPLATES]
        self.writeup = Rendered.of(WRITEUP_TEMPLATE)

    @property
    def counts(self):
        p = self.papers
        return {
            "papers": p,
            "notes": p * self.notes_per_paper,
            "models": max(30, p // 50),
            "datasets": max(20, p // 50),
            "meetings": max(10, p // 100),
            "glossary": 200,
        }

    def values(self):
        (t_en, t_zh), (u_en, u_zh) = self.random.sample(TOPICS, 2)
        return {"t_en": t_en, "t_zh": t_zh, "u_en": u_en, "u_zh": u_zh,
                "n": self.random.randint(2, 99)}  # fmt: skip

    def save(self, model, objects):
        for chunk in batched(objects):
            model.objects.bulk_create(chunk)
            self.progress(len(chunk))

    def run(self):
        with transaction.atomic():
            self.people()
            self.papers_and_notes()
            self.models_and_datasets()
            self.meetings()
            self.glossary()

    def people(self):
        User = get_user_model()
        self.user = User.objects.filter(username=USERNAME).first()
        if self.user is None:
            self.user = User.objects.create_user(USERNAME, password=self.password)
        self.others = [
            User.objects.get_or_create(username=f"{PREFIX}reader{i}")[0] for i in range(20)
        ]
        self.group, _ = ReadingGroup.objects.get_or_create(
            slug=f"{PREFIX}group", defaults={"name": "Benchmark group", "name_zh": "基准测试组"}
        )
        for u in [self.user, *self.others]:
            Membership.objects.get_or_create(group=self.group, user=u)
        self.orgs = Organization.objects.bulk_create(
            [
                Organization(slug=f"{PREFIX}org-{i}", name=f"Bench Lab {i}", name_zh=f"实验室{i}")
                for i in range(40)
            ]  # fmt: skip
        )
        self.tags = [Tag.objects.get_or_create(name=en.capitalize())[0] for en, _zh in TOPICS]

    def papers_and_notes(self):
        start = Paper.objects.filter(slug__startswith=f"{PREFIX}paper-").count()
        papers, topics = [], []
        for i in range(start, start + self.papers):
            v = self.values()
            topics.append(v)
            papers.append(
                Paper(
                    slug=f"{PREFIX}paper-{i}",
                    title_en=f"{self.random.choice(ADJECTIVES)} {v['t_en'].capitalize()} "
                    f"with {v['u_en'].capitalize()}",
                    title_zh=f"基于{v['u_zh']}的{v['t_zh']}研究",
                    authors=", ".join(f"Author {self.random.randint(1, 5000)}" for _ in range(4)),
                    year=2018 + i % 7,
                    month=1 + i % 12,
                    arxiv_id=f"{18 + i // 1_188_000}{1 + (i // 99_000) % 12:02d}.{i % 99_000:05d}",
                    summary_en=f"We study {v['t_en']} combined with {v['u_en']} on "
                    f"{v['n']} benchmarks, and find consistent gains at scale.",
                    summary_zh=f"本文研究{v['t_zh']}与{v['u_zh']}的结合，"
                    f"在 {v['n']} 个基准上取得一致提升。",
                )
            )
        self.save(Paper, papers)
        Paper.assign_missing_citation_keys()  # bulk_create goes round save()
        papers = list(Paper.objects.filter(slug__startswith=f"{PREFIX}paper-").order_by("pk"))[
            start:
        ]
        through = Paper.organizations.through
        self.save(
            through,
            [
                through(paper_id=p.pk, organization_id=self.random.choice(self.orgs).pk)
                for p in papers
            ],  # fmt: skip
        )
        tag_through = Paper.tags.through
        tag_of = {en: tag for (en, _zh), tag in zip(TOPICS, self.tags, strict=True)}
        self.save(
            tag_through,
            [
                tag_through(content_object_id=p.pk, tag_id=tag_of[v["t_en"]].pk)
                for p, v in zip(papers, topics, strict=True)
            ],  # fmt: skip
        )
        notes = []
        visibilities = [Note.Visibility.EVERYONE, Note.Visibility.GROUP, Note.Visibility.PRIVATE]
        for paper, v in zip(papers, topics, strict=True):
            for k in range(self.notes_per_paper):
                template = self.note_templates[k % len(self.note_templates)]
                zh, zh_html = template.fill(v)
                author = self.random.choice([self.user, *self.others])
                notes.append(
                    Note(
                        slug=f"{PREFIX}note-{paper.pk}-{k}",
                        author=author,
                        group=self.group,
                        paper=paper,
                        title_zh=f"{v['t_zh']}笔记 {k + 1}",
                        title_en=f"Notes on {v['t_en']} ({k + 1})",
                        body_zh=zh,
                        body_zh_html=zh_html,
                        visibility=visibilities[k % 3],
                    )
                )
            if len(notes) >= BATCH:
                self.save(Note, notes)
                notes = []
        self.save(Note, notes)
        self.paper_ids = [p.pk for p in papers]

    def models_and_datasets(self):
        n = self.counts["models"]
        families = max(3, n // 15)
        models = []
        for i in range(n):
            v = self.values()
            models.append(
                LanguageModel(
                    slug=f"{PREFIX}model-{i}",
                    name=f"Bench-{i // 15}-{i % 15}" if i % 15 else f"BenchLM-{i // 15}",
                    organization=self.orgs[i % len(self.orgs)],
                    released=datetime.date(2019 + i % 6, 1 + i % 12, 1),
                    parameters_b=[1, 7, 13, 34, 70, 175][i % 6],
                    parameter_sizes="7B, 13B, 70B",
                    open_weights=i % 3 != 0,
                    architecture="causal decoder",
                    description_en=f"A model for {v['t_en']}.",
                    description_zh=f"面向{v['t_zh']}的模型。",
                )
            )
        self.save(LanguageModel, models)
        models = list(
            LanguageModel.objects.filter(slug__startswith=f"{PREFIX}model-").order_by("pk")
        )
        # Families of 15: a root and derivatives two levels deep.
        for i, model in enumerate(models):
            if i % 15:
                root = models[(i // 15) * 15]
                parent = root if i % 15 < 5 else models[(i // 15) * 15 + i % 5]
                model.base_model, model.relation = parent, LanguageModel.Relation.INSTRUCTION_TUNING
        LanguageModel.objects.bulk_update(models, ["base_model", "relation"], batch_size=BATCH)
        LanguageModel.recompute_family_roots()  # bulk_update goes round save()
        self.models, self.families = models, families
        datasets = []
        for i in range(self.counts["datasets"]):
            v = self.values()
            datasets.append(
                Dataset(
                    slug=f"{PREFIX}dataset-{i}",
                    name=f"Bench-{v['t_en'].title()}-{i}",
                    kind=list(Dataset.Kind.values)[i % 4],
                    description_en=f"A benchmark of {v['t_en']}.",
                    description_zh=f"{v['t_zh']}评测集。",
                    organization=self.orgs[i % len(self.orgs)],
                )
            )
        self.save(Dataset, datasets)

    def meetings(self):
        start = self.group.meetings.count()
        meetings = []
        for i in range(self.counts["meetings"]):
            v = self.values()
            zh, zh_html = self.writeup.fill(v)
            meetings.append(
                Meeting(
                    group=self.group,
                    number=start + i + 1,
                    date=datetime.date(2020, 1, 1) + datetime.timedelta(days=7 * i),
                    title_zh=f"组会分享：{v['t_zh']}",
                    title_en=f"Group meeting: {v['t_en']}",
                    presenter_name=f"Reader {i % 20}",
                    body_zh=zh,
                    body_zh_html=zh_html,
                    # As rendering at save would store it: the page shows its contents.
                    toc={"body_zh_html": extract_toc(zh_html)},
                )
            )
        self.save(Meeting, meetings)
        through = Meeting.papers.through
        saved = list(self.group.meetings.order_by("number"))[start:]
        self.save(
            through,
            [
                through(meeting_id=m.pk, paper_id=self.random.choice(self.paper_ids)) for m in saved
            ],  # fmt: skip
        )

    def glossary(self):
        start = GlossaryTerm.objects.filter(slug__startswith=PREFIX).count()
        terms = []
        for i in range(start, start + self.counts["glossary"]):
            en, zh = TOPICS[i % len(TOPICS)]
            terms.append(
                GlossaryTerm(
                    slug=f"{PREFIX}term-{i}",
                    title_en=f"{en.title()} {i}",
                    title_zh=f"{zh}{i}",
                    body_zh=f"{zh}是大语言模型研究中的一个方向。",
                    body_zh_html=f"<p>{zh}是大语言模型研究中的一个方向。</p>",
                    body_en=f"{en.capitalize()} is a line of LLM research.",
                    body_en_html=f"<p>{en.capitalize()} is a line of LLM research.</p>",
                )
            )
        self.save(GlossaryTerm, terms)

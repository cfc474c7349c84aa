"""The order of names (core.language.sort_key): Chinese ones by their pinyin, as a Chinese
reader expects them, not by their code points; Latin ones casefolded, as before."""

import os
import subprocess
import sys

from django.conf import settings
from django.utils.translation import gettext_lazy

from core.language import sort_key


def ordered(names):
    return sorted(names, key=sort_key)


def test_chinese_topics_are_in_pinyin_order():
    # By code point: 多模态, 大模型, 对齐, 微调, 推理, 综述, 评测.
    topics = ["综述", "推理", "对齐", "评测", "微调", "大模型", "多模态"]
    assert ordered(topics) == ["大模型", "对齐", "多模态", "评测", "推理", "微调", "综述"]


def test_chinese_names_come_before_latin_ones_as_cldrs_chinese_collation_has_them():
    organisations = ["OpenAI", "清华大学", "智源", "Meta AI", "百川智能", "阿里巴巴"]
    assert ordered(organisations) == [
        "阿里巴巴",
        "百川智能",
        "清华大学",
        "智源",
        "Meta AI",
        "OpenAI",
    ]
    mixed = ["Anthropic", "阿里巴巴", "01.AI", "(x)", "2B模型", "Zhipu AI", "GPT 系列"]
    assert ordered(mixed) == [
        "(x)",
        "01.AI",
        "2B模型",
        "阿里巴巴",
        "Anthropic",
        "GPT 系列",
        "Zhipu AI",
    ]


def test_names_are_ordered_character_by_character_as_a_dictionary_orders_words():
    """The names of one first character stand together (知 zhī, 指 zhǐ, 智 zhì), whatever
    the syllables after it; a tone decides before the next character (前 qián, 嵌 qiàn),
    and ü comes after u (路 lù, 律 lǜ), before the next syllable (乱 luàn)."""
    assert ordered(["智能体", "知识推理", "指令微调", "知识补全"]) == [
        "知识补全",
        "知识推理",
        "指令微调",
        "智能体",
    ]
    assert ordered(["嵌入", "前缀调优"]) == ["前缀调优", "嵌入"]
    assert ordered(["乱码", "绿色", "路由"]) == ["路由", "绿色", "乱码"]


def test_latin_names_keep_their_casefold_order():
    names = ["zephyr", "Alpaca", "ß-VAE", "ssm", "GPT-4", "gpt 3", "Éclair", "[CLS]", "T5", "é"]
    assert ordered(names) == sorted(names, key=str.casefold)
    assert ordered(["b", "B", "a"]) == ["a", "B", "b"]  # the same casefolded: by the text


def test_empty_digits_signs_and_lazy_text_do_not_break_the_key():
    names = ["综述", "", "2024", "——", "《论语》", "！", "GPT-4（技术报告）", "〇号", "𠀀"]
    assert ordered(names)[:2] == ["", "2024"]
    assert ordered([gettext_lazy("Surveys"), "Agents"]) == ["Agents", "Surveys"]
    assert sort_key("对齐") == sort_key("对齐") != sort_key("對齊")  # one reading, two texts


def test_only_the_dictionary_of_single_characters_is_loaded_and_only_for_chinese():
    """The dictionary of phrases would add ~43 MB to each worker; a process that sorts
    Latin names alone loads no dictionary."""
    script = (
        "import sys, django; django.setup()\n"
        "from core.language import sort_key\n"
        "sort_key('Meta AI')\n"
        "print('pypinyin' in sys.modules)\n"
        "sort_key('对齐')\n"
        "print('pypinyin.pinyin_dict' in sys.modules, 'pypinyin.phrases_dict' in sys.modules)\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYPINYIN_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.split("\n")[:2] == ["False", "True False"]

"""The translations use the glossary's terms (docs/glossary.md), as Chinese textbooks do."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from babel.messages.pofile import read_po

from nnviz.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent


def glossary() -> list[tuple[list[str], list[str], bool]]:
    """(English forms, Chinese forms, checked) per row of the table."""
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        english = [re.sub(r"\s*\(.*\)", "", form).strip() for form in cells[0].split(" / ")]
        rows.append((english, [form.strip() for form in cells[1].split(" / ")], cells[2] == "checked"))
    return rows


def translated_pairs() -> list[tuple[str, str, str]]:
    """(where, English source, Chinese translation) for every finished translation nnviz ships."""
    pairs = []
    ts = ET.parse(resource_path("translations", "nnviz_zh_CN.ts"))
    for message in ts.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
            continue
        pairs.append(("nnviz_zh_CN.ts", message.findtext("source") or "", translation.text or ""))
    core = json.loads(resource_path("translations", "core_zh_CN.json").read_text(encoding="utf-8"))
    pairs += [("core_zh_CN.json", en, zh) for en, zh in core["strings"].items()]
    pairs += [("core_zh_CN.json", en, zh) for en, zh in core["formula_phrases"]]
    with resource_path("locale", "zh_CN", "LC_MESSAGES", "nnviz.po").open("rb") as handle:
        # a {placeholder} is a code name filled in at run time, not a word of the sentence
        pairs += [("nnviz.po", re.sub(r"\{[^{}]*\}", "…", m.id), m.string)
                  for m in read_po(handle) if m.id and m.string]
    return pairs


def uses(english: str, text: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(english) + r"(?![\w-])", text, flags=re.IGNORECASE) is not None


def test_the_glossary_is_read() -> None:
    rows = glossary()
    assert len(rows) >= 50
    assert (["learning rate"], ["学习率"], True) in rows


def test_translations_use_the_glossary_terms() -> None:
    wrong = []
    for english_forms, chinese_forms, checked in glossary():
        if not checked:
            continue
        for where, source, translation in translated_pairs():
            if any(uses(form, source) for form in english_forms) and not any(
                    form in translation for form in chinese_forms):
                wrong.append(f"{where}: {source!r} -> {translation!r}: expected {' or '.join(chinese_forms)}")
    assert not wrong, f"{len(wrong)} translations do not use the glossary:\n" + "\n".join(wrong[:40])


def test_the_check_catches_a_wrong_term() -> None:
    rows = [row for row in glossary() if row[0] == ["learning rate"]]
    (english, chinese, _), = rows
    assert uses(english[0], "The learning rate is too high")
    assert not any(form in "学习速度太高" for form in chinese)

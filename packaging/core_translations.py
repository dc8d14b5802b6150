"""The core's gettext catalogues: extract the messages from the code, compile them, check them.

    python packaging/core_translations.py extract   # code -> resources/locale/nnviz.pot -> each .po (kept
                                                    #   translations stay, new ids arrive untranslated)
    python packaging/core_translations.py compile   # each .po -> its .mo (commit both; an install needs no Babel)
    python packaging/core_translations.py check     # exit 1 on an untranslated, fuzzy or stale entry, a lost
                                                    #   {placeholder}, or a .mo older than its .po

The messages are the first argument of nnviz.i18n's translate(), mark() and Message() in the Qt-free core
(nnviz/ui has Qt's own .ts files: packaging/update_translations.py). Uses Babel (the test extra).
"""

from __future__ import annotations

import argparse
import gettext
import io
import re
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
TEMPLATE = LOCALE / "nnviz.pot"
LANGUAGES = ("zh_CN",)
KEYWORDS = {"translate": (1,), "mark": (1,), "Message": (1,)}
CORE_EXCLUDED = re.compile(r"^nnviz/ui/")  # Qt's tr() strings live in the .ts files
# ... but what the window's launcher says before Qt starts (or to the terminal) uses the core's catalogue,
# imported there as `from nnviz.i18n import translate as core_message` (lupdate would read `translate(`).
UI_KEYWORDS = {"core_message": (1,)}


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "nnviz.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extracted() -> Catalog:
    """The catalogue of every message the core code asks for, now."""
    catalog = Catalog(project="nnviz", domain="nnviz", charset="utf-8", fuzzy=False)

    def core_only(filename: str) -> bool:
        return not CORE_EXCLUDED.match("nnviz/" + filename.replace("\\", "/"))

    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / "nnviz", method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        if not core_only(filename):
            continue
        catalog.add(message, None, [(f"nnviz/{filename}", lineno)], auto_comments=comments, context=context)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / "nnviz" / "ui", method_map, keywords=UI_KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        catalog.add(message, None, [(f"nnviz/ui/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _write_po(catalog: Catalog, path: Path, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, **options)
    path.write_bytes(buffer.getvalue())


def extract() -> None:
    template = extracted()
    _write_po(template, TEMPLATE, ignore_obsolete=True, include_lineno=False)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, domain="nnviz", project="nnviz", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        _write_po(catalog, path, ignore_obsolete=True, include_lineno=False)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} to translate")
        for message in missing:
            print(f"  untranslated: {message}")


def compile_all() -> None:
    for language in LANGUAGES:
        with po_path(language).open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo_path(language).write_bytes(buffer.getvalue())
        print(f"wrote {mo_path(language).relative_to(ROOT)}")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def problems() -> list[str]:
    """Everything that would leave a learner reading English, or reading a wrong translation."""
    found: list[str] = []
    wanted = {m.id for m in extracted() if m.id}
    for language in LANGUAGES:
        path = po_path(language)
        if not path.exists():
            return [f"{path.relative_to(ROOT)} is missing: run `python packaging/core_translations.py extract`"]
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        have = {m.id: m for m in catalog if m.id}
        for message in sorted(wanted - have.keys()):
            found.append(f"{language}: not in the catalogue (run extract): {message!r}")
        for message in sorted(have.keys() - wanted):
            found.append(f"{language}: stale, the code no longer asks for it (run extract): {message!r}")
        for message_id, message in sorted(have.items()):
            if not message.string:
                found.append(f"{language}: untranslated: {message_id!r}")
            elif message.fuzzy:
                found.append(f"{language}: fuzzy (check and clear the flag): {message_id!r}")
            elif placeholders(message_id) != placeholders(message.string):
                found.append(f"{language}: placeholders differ: {message_id!r} -> {message.string!r}")
        compiled = mo_path(language)
        if not compiled.exists():
            found.append(f"{language}: {compiled.relative_to(ROOT)} is missing (run compile)")
            continue
        with compiled.open("rb") as handle:
            mo = gettext.GNUTranslations(handle)
        for message_id, message in have.items():
            if message.string and not message.fuzzy and mo.gettext(message_id) != message.string:
                found.append(f"{language}: the .mo is older than the .po (run compile): {message_id!r}")
                break
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("extract", "compile", "check"))
    args = parser.parse_args(argv)
    if args.action == "extract":
        extract()
    elif args.action == "compile":
        compile_all()
    else:
        found = problems()
        for line in found:
            print(line)
        if found:
            return 1
        print("the core's catalogues are complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())

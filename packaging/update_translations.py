"""Refresh the Chinese translation: extract the UI's tr() strings, then compile the .qm the app loads.

    python packaging/update_translations.py           lupdate nnviz/ui -> resources/translations/nnviz_zh_CN.ts,
                                                      then lrelease -> nnviz_zh_CN.qm; lists untranslated strings
    python packaging/update_translations.py --check   exit 1 if any string is unfinished (changes nothing)

Translate new strings in the .ts with Qt Linguist (pyside6-linguist) or any text editor, then run this
again. Both the .ts and the .qm are committed, so installing nnviz needs no Qt tools.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "nnviz_zh_CN.ts"
UI = ROOT / "nnviz" / "ui"


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease from the same environment as this Python, else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found; it comes with PySide6 (pip install PySide6-Essentials)")
    return found


def sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if "__pycache__" not in p.parts)


def lupdate(ts: Path = TS, obsolete: bool = True) -> None:
    """Extract every tr()/translate() string of nnviz/ui into `ts`, keeping the translations it has."""
    sys.path.insert(0, str(Path(__file__).parent))
    from check_tr import dynamic_source

    ts.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # Strings that reach tr() through a variable (menu and action titles) come from a generated list.
        extra = dynamic_source(Path(scratch))
        command = [tool("pyside6-lupdate"), *map(str, sources()), str(extra), "-source-language", "en",
                   "-target-language", "zh_CN", "-locations", "none", "-ts", str(ts)]
        if obsolete:
            command.insert(-2, "-no-obsolete")
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"lupdate failed:\n{done.stdout}\n{done.stderr}")


def lrelease(ts: Path = TS, qm: Path | None = None) -> Path:
    qm = qm or ts.with_suffix(".qm")
    done = subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"lrelease failed:\n{done.stdout}\n{done.stderr}")
    return qm


def unfinished(ts: Path = TS) -> list[tuple[str, str]]:
    """(context, source) of every message with no finished translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = "unfinished" if translation is None else translation.get("type", "")
            if kind in ("vanished", "obsolete"):  # strings no longer in the code
                continue
            forms = [] if translation is None else translation.findall("numerusform")
            text = "".join(f.text or "" for f in forms) if forms else (translation.text or "" if translation
                                                                       is not None else "")
            if kind == "unfinished" or not text.strip():
                missing.append((name, message.findtext("source", "")))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report unfinished strings")
    args = parser.parse_args(argv)
    if not args.check:
        lupdate()
        lrelease()
    missing = unfinished()
    for context, source in missing:
        print(f"unfinished [{context}] {source!r}")
    print(f"{TS.relative_to(ROOT)}: {len(missing)} unfinished")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""The language of every message the core writes for a person (no Qt).

The core's sentences (errors, warnings, the model summary, the command line's reports) are English
message ids in the code, translated through GNU gettext catalogues:
resources/locale/<lang>/LC_MESSAGES/nnviz.mo, compiled from the .po beside it, which Babel keeps in
step with the code (`python packaging/core_translations.py extract|compile|check`, docs/translating.md).

Two ways to write a message:

    translate("Saved {path}", path=out)        a str in the current language, now
    Message("Dense {name!r} needs ...", name=n) the id and its parameters, rendered in the current
                                              language whenever it is shown (str(message)); use it for
                                              anything that may be displayed later, such as exceptions

Parameters are str.format fields, so a translation may reorder them. The language is process-wide:
the command line sets it from --lang or the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext
reads them), the app from its own choice. Only English (the source language) and Simplified Chinese
exist; any other language falls back to English.
"""

from __future__ import annotations

import errno
import gettext
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from nnviz.resources import resource_path

DOMAIN = "nnviz"
ENGLISH = "en"
CHINESE = "zh_CN"

_current = ENGLISH


def normalise(name: str | None) -> str | None:
    """'zh_CN', 'zh-Hans', 'zh_SG', 'zh', 'zh_CN.UTF-8' -> 'zh_CN'; 'en_GB', 'C' -> 'en'; '' or None -> None."""
    if not name:
        return None
    lowered = name.split(".")[0].split("@")[0].replace("-", "_").lower()
    if lowered.startswith("zh"):
        # Traditional-script locales read Simplified Chinese, but poorly; English stays their default.
        return ENGLISH if lowered in ("zh_tw", "zh_hk", "zh_mo", "zh_hant") else CHINESE
    return ENGLISH


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for, read in gettext's order of precedence."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        first = value.split(":")[0]
        chosen = normalise(first)
        if chosen is not None:
            return chosen
    return ENGLISH


def set_language(language: str | None) -> str:
    """Use this language from now on for every message; returns the one chosen (normalised)."""
    global _current
    _current = normalise(language) or ENGLISH
    return _current


def current_language() -> str:
    return _current


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(resource_path("locale")), languages=[language], fallback=True)


def translate(message: str, /, **params: Any) -> str:
    """The message in the current language, its {fields} filled in."""
    text = _catalogue(_current).gettext(message)
    return text.format(**params) if params else text


@cache
def names_table(language: str) -> dict[str, Any]:
    """resources/translations/core_<lang>.json: {"strings": {english: translation}, "formula_phrases": [...]}."""
    path = resource_path("translations", f"core_{language}.json")
    if not path.is_file():
        return {"strings": {}, "formula_phrases": []}
    return json.loads(path.read_text(encoding="utf-8"))


def term(name: str, language: str | None = None) -> str:
    """A name the core shows (layer type, category, parameter title, loss or optimiser name) in the current
    language: these are table entries, not sentences, so they live in core_<lang>.json beside the window's."""
    language = language or _current
    if language == ENGLISH or not name:
        return name
    return names_table(language)["strings"].get(name, name)


@cache
def _formula_phrases(language: str) -> tuple[tuple[str, str], ...]:
    phrases = names_table(language).get("formula_phrases", [])
    return tuple(sorted(((e, t) for e, t in phrases), key=lambda p: -len(p[0])))


def formula_words(text: str, language: str | None = None) -> str:
    """A formula's words in the current language (the window's Formula panel, the exercises' ladder);
    symbols and numbers stay. Phrases are replaced longest first, so "summed over the batch" wins over
    "batch"."""
    language = language or _current
    if language == ENGLISH or not text:
        return text
    for english, translated in _formula_phrases(language):
        text = text.replace(english, translated)
    return text


def mark(message: str) -> str:
    """Marks a constant for extraction without translating it yet (translate it where it is shown)."""
    return message


_OS_REASONS = {
    errno.ENOENT: mark("no such file or folder"), errno.EACCES: mark("permission denied"),
    errno.EPERM: mark("permission denied"), errno.EISDIR: mark("it is a folder"),
    errno.ENOTDIR: mark("a part of the path is not a folder"), errno.ENOSPC: mark("the disk is full"),
    errno.EROFS: mark("the disk is read-only"), errno.EEXIST: mark("it already exists"),
    errno.ENAMETOOLONG: mark("the name is too long"), errno.ELOOP: mark("too many symbolic links"),
}


def os_reason(exc: BaseException) -> str:
    """Why the system refused a file operation, in the current language: the system's own words in English,
    ours in another language (strerror stays English whatever the locale: Python never sets LC_MESSAGES)."""
    reason = _OS_REASONS.get(getattr(exc, "errno", None) or -1)
    if reason is not None and _current != ENGLISH:
        return translate(reason)
    return str(getattr(exc, "strerror", None) or exc)


# argparse's own words (usage, "error:", "invalid choice"...), which it looks up through gettext at run time.
ARGPARSE_WORDS = (
    mark("usage: "), mark("%(prog)s: error: %(message)s\n"), mark("argument %(argument_name)s: %(message)s"),
    mark("invalid choice: %(value)r (choose from %(choices)s)"), mark("the following arguments are required: %s"),
    mark("unrecognized arguments: %s"), mark("expected one argument"), mark("not allowed with argument %s"),
    mark("invalid %(type)s value: %(value)r"), mark("positional arguments"), mark("options"),
    mark("show this help message and exit"), mark("one of the arguments %s is required"),
    mark("ambiguous option: %(option)s could match %(matches)s"),
)


def translate_argparse() -> None:
    """Make argparse speak the current language too (it calls gettext through its module's `_`)."""
    import argparse

    argparse._ = lambda text: _catalogue(_current).gettext(text)


class Message:
    """A message id with its parameters, rendered in the language current when it is shown.

    Raise exceptions with a Message, so that an error raised before the language is known (or shown in
    a window whose language changes) still reads in the learner's language: str(exc) renders it."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, /, **params: Any) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return translate(self.message, **{k: str(v) if isinstance(v, Message) else v
                                          for k, v in self.params.items()})

    def __repr__(self) -> str:
        return f"Message({self.message!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.message, self.params) == (other.message, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.message)

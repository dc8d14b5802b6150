"""Safe, unique Python identifiers for names a user typed, and safe literals for generated code.

Modelled on torch.fx's _Namespace: one Namespace object hands out identifiers, so keywords,
builtins, leading digits, spaces, punctuation and collisions can never reach generated code as
anything but a plain identifier. Strings only ever enter generated code through `py_str` (repr),
and comments only through `comment_text`, so a name such as "__import__('os').system('x')" stays
inert text.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

# Names the generated modules themselves use at module level or in forward(); a user's layer must
# never shadow them.
MODULE_NAMES = frozenset({
    "torch", "nn", "F", "np", "math", "os", "sys", "argparse", "dist", "Path", "self", "annotations",
    "DTYPE", "WEIGHTS_FILE", "INPUT_SHAPES", "OUTPUT_SHAPE", "Net", "build_model", "load_file", "save_file",
})

# Attributes of torch.nn.Module (torch 2.x). A layer attribute named like one of these would break
# the module (self.training = nn.Linear(...), self.to = ...). Tests check this covers dir(nn.Module).
MODULE_ATTRIBUTES = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile",
    "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
    "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia",
    "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
    "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
    "register_full_backward_hook", "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook", "register_module", "register_parameter",
    "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
    "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
    "zero_grad",
})

_BUILTINS = frozenset(dir(builtins))
_UNDERSCORES = re.compile(r"_+")
_NUMBERED = re.compile(r"^(.*)_(\d+)$")


def sanitize(name: str, fallback: str = "layer") -> str:
    """A valid identifier built from `name`: illegal characters become '_', no leading digit, no
    leading underscore (which would trigger name mangling inside a class), never a keyword, builtin
    or name the generated code uses. Letters of any script (e.g. Chinese) are kept: Python 3 allows
    them and they are what a learner typed.

    NFKC first, because Python normalises identifiers that way: two different spellings that
    normalise alike would otherwise collide silently after parsing.
    """
    text = unicodedata.normalize("NFKC", str(name))
    chars = [c if ("a" + c).isidentifier() else "_" for c in text]
    ident = _UNDERSCORES.sub("_", "".join(chars)).strip("_")
    if not ident:
        ident = fallback
    if not ident[0].isidentifier():  # a leading digit (or other continuation-only character)
        ident = f"{fallback}_{ident}"
    if keyword.iskeyword(ident) or keyword.issoftkeyword(ident) or ident in _BUILTINS or ident in MODULE_NAMES:
        ident += "_"
    assert ident.isidentifier(), ident  # by construction; a failure here is a bug, not user input
    return ident


class Namespace:
    """Hands out unique identifiers. The same object (any hashable key) always gets the same name."""

    def __init__(self, reserved: frozenset[str] | set[str] = frozenset()) -> None:
        self._used: set[str] = set(reserved)
        self._by_key: dict[object, str] = {}

    def create(self, candidate: str, key: object | None = None, fallback: str = "layer") -> str:
        if key is not None and key in self._by_key:
            return self._by_key[key]
        ident = sanitize(candidate, fallback)
        if ident in self._used:
            match = _NUMBERED.match(ident)
            # "print_" taken -> "print_2", not "print__2"
            base, number = (match.group(1), int(match.group(2))) if match else (ident.rstrip("_"), 2)
            while f"{base}_{number}" in self._used:
                number += 1
            ident = f"{base}_{number}"
        self._used.add(ident)
        if key is not None:
            self._by_key[key] = ident
        return ident

    def reserve(self, ident: str) -> None:
        self._used.add(ident)

    def __contains__(self, ident: object) -> bool:
        return ident in self._used


def py_str(text: str) -> str:
    """A Python string literal for any text (repr escapes quotes, backslashes and control characters)."""
    return repr(str(text))


# Scripts kept as they are in comments (a Chinese learner reads their own names); everything else
# non-ASCII is escaped, because linters flag look-alike characters (Cyrillic a, fullwidth commas).
_READABLE = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
_LOOKALIKES = frozenset("\u4e36\u4e3f")  # ideographs that look like a backslash and a slash


def _keep(c: str) -> bool:
    return c.isascii() or (c not in _LOOKALIKES and any(lo <= ord(c) <= hi for lo, hi in _READABLE))


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def comment_text(text: str) -> str:
    """Text safe to place after '#': a quoted Python literal (so no line break can end the comment
    early) with look-alike characters escaped; CJK names stay readable."""
    return "".join(c if _keep(c) else _escape(c) for c in py_str(text))

"""Every built-in layer type: each module of this package registers one family when imported.

The modules are found by name (like the exporter's emit_*.py), so a new family is a new module here
and nothing else in this package changes.
"""

import importlib
import pkgutil

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    importlib.import_module(f"{__name__}.{_info.name}")

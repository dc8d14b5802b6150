"""The `nnviz data` subcommands (registered by nnviz.cli).

    nnviz data fetch mnist|fashion-mnist|cifar10 [--dir D] [--timeout S]
    nnviz data find [mnist|fashion-mnist|cifar10] [--in FOLDER]...

`fetch` downloads a guide's data set, checks it against the published SHA-256, keeps it in the user's
data folder (or D) and prints the data spec to use; run again after an interruption (or Ctrl+C) and it
continues where it stopped; run it offline and the kept files are used. `find` lists where each set
already is on this computer (fetched by nnviz, Keras' cache, torchvision's folders, given folders).
Exit codes: 0 success; 1 the set could not be fetched or was not found (a message says what to do).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from nnviz.data.known_sets import SETS
from nnviz.i18n import translate


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help=translate("fetch MNIST, Fashion-MNIST or CIFAR-10, or find them on disk"),
                                 description=translate("Fetch the guides' data sets, or find copies already on disk."))
    sub = data.add_subparsers(dest="data_command", metavar="{fetch,find}")
    p = sub.add_parser("fetch", help=translate("download a data set, check its SHA-256 and keep it"),
                       description=translate("Download a data set from its official mirrors, check every file "
                                             "against its published SHA-256 and keep it for offline use. An "
                                             "interrupted download continues where it stopped when you run the "
                                             "command again."))
    p.add_argument("name", choices=list(SETS), help=translate("the data set"))
    p.add_argument("--dir", metavar="D", help=translate("keep the files in D instead of the user's data folder"))
    p.add_argument("--timeout", type=float, default=30.0, metavar="S",
                   help=translate("give up on a server that sends nothing for S seconds (default 30)"))
    p.set_defaults(func=run_fetch)
    p = sub.add_parser("find", help=translate("list copies already on this computer and where each came from"))
    p.add_argument("name", nargs="?", choices=list(SETS), help=translate("only this data set"))
    p.add_argument("--in", dest="folders", action="append", default=[], metavar="FOLDER",
                   help=translate("also look in FOLDER (repeatable)"))
    p.add_argument("--json", action="store_true", help=translate("one JSON object per copy found"))
    p.set_defaults(func=run_find)
    data.set_defaults(func=lambda args: data.print_help() or 0)


def run_fetch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from nnviz.data.fetch import FetchCancelled, FetchError, fetch_set
    from nnviz.data.known_sets import known_set

    known = known_set(args.name)
    bars: dict[str, tqdm] = {}

    def progress(done: int, total: int, name: str) -> None:
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = tqdm(total=total or None, initial=done, unit="B", unit_scale=True, desc=name,
                                    file=sys.stderr, dynamic_ncols=True, leave=True)
        bar.update(done - bar.n)

    cancel = threading.Event()
    print(f"{known.title} (about {known.size_mb} MB): {known.licence}", file=sys.stderr)
    try:
        folder = fetch_set(known, Path(args.dir) if args.dir else None, progress=progress, cancel=cancel,
                           timeout=(min(10.0, args.timeout), args.timeout))
    except KeyboardInterrupt:
        print("\n" + translate("Stopped. Run the same command again to continue where it stopped."), file=sys.stderr)
        return 1
    except FetchCancelled as exc:
        print(translate("error: {message}", message=exc), file=sys.stderr)
        return 1
    except FetchError as exc:
        print(translate("error: {message}", message=exc), file=sys.stderr)
        return 1
    finally:
        for bar in bars.values():
            bar.close()
    print(translate("{title} is ready in {folder}", title=known.title, folder=folder))
    print(translate("Use it in a .nnviz file as: {spec}", spec=json.dumps({"kind": known.kind, "folder": str(folder)})))
    return 0


def run_find(args: argparse.Namespace) -> int:
    from nnviz.data.locate import find_copies

    names = [args.name] if args.name else list(SETS)
    found_any = False
    for name in names:
        copies = find_copies(name, [Path(f) for f in args.folders])
        for copy in copies:
            found_any = True
            if args.json:
                print(json.dumps({"set": name, "origin": copy.origin, "path": str(copy.path), "spec": copy.spec}))
            else:
                print(f"{SETS[name].title}: {copy.path} ({copy.origin})")
        if not copies and not args.json:
            print(translate("{title}: not found; fetch it with `nnviz data fetch {key}`", title=SETS[name].title,
                            key=name))
    return 0 if found_any else 1

"""Fetching the guides' data sets with pooch: progress, Cancel, resume, SHA-256 checks, mirrors, timeouts.

    folder = fetch_set("mnist", progress=lambda done, total, name: ..., cancel=threading.Event())

pooch does the caching and the hash check: a file already in the folder whose SHA-256 matches is used
without any network; one that does not match is fetched again. pooch has no resume, so its downloader
here is ResumableDownloader: the bytes received so far wait in <folder>/.partial/ and the next try asks
the server for the rest (an HTTP Range request). A file reaches its final name only once its whole
content matches the published hash, and an archive is unpacked into a temporary folder that is renamed
when complete: nothing half-written is ever read.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import threading
from collections.abc import Callable
from pathlib import Path

from nnviz.data.dataset import DataError
from nnviz.data.known_sets import STAND_IN_WORDS, KnownFile, KnownSet, known_set, set_folder
from nnviz.i18n import mark, os_reason, translate

# (bytes received so far, total bytes or 0 when the server does not say, file name)
Progress = Callable[[int, int, str], None]
# Seconds to wait for a server to accept the connection, and then for each piece of data.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
CHUNK = 1 << 16
CANCELLED = mark("The download was cancelled; fetching again continues where it stopped.")
PARTIAL = ".partial"


class FetchError(DataError):
    """A data set could not be fetched; the message says what to download by hand and where to put it."""


class FetchCancelled(FetchError):
    """The learner pressed Cancel; what arrived so far is kept and the next fetch resumes it."""


class ResumableDownloader:
    """A pooch downloader (called as downloader(url, output_file, pooch)) that resumes partial files."""

    def __init__(self, partial: Path, progress: Progress | None, cancel: threading.Event | None,
                 timeout: tuple[float, float]) -> None:
        self.partial = partial
        self.progress = progress
        self.cancel = cancel
        self.timeout = timeout
        self.resumed_from = 0  # bytes that were already there when this download began (for tests, messages)

    def __call__(self, url: str, output_file: str, pooch: object, check_only: bool = False) -> bool | None:
        import requests

        if check_only:
            return requests.head(url, timeout=self.timeout, allow_redirects=True).ok
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        have = self.partial.stat().st_size if self.partial.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        with requests.get(url, stream=True, timeout=self.timeout, headers=headers) as response:
            if response.status_code == 416:  # nothing left to send: the partial file is already whole
                total = have
            else:
                response.raise_for_status()
                if response.status_code != 206 or not _continues_at(response, have):
                    have = 0  # the server sent the whole file (it ignores Range): start over
                self.resumed_from = have
                length = int(response.headers.get("Content-Length", 0) or 0)
                total = have + length if length else 0
                with open(self.partial, "ab" if have else "wb") as out:
                    self._report(have, total)
                    for chunk in response.iter_content(CHUNK):
                        if self.cancel is not None and self.cancel.is_set():
                            raise FetchCancelled(translate(CANCELLED))
                        out.write(chunk)
                        have += len(chunk)
                        self._report(have, total)
        # pooch checks the hash of output_file next and removes it when it does not match, so a corrupt
        # partial file is never resumed twice.
        os.replace(self.partial, output_file)
        return None

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total, self.partial.name)


def _continues_at(response: object, have: int) -> bool:
    """Whether a 206 answer's Content-Range starts where the partial file ends."""
    value = response.headers.get("Content-Range", "")  # type: ignore[attr-defined]
    return value.startswith(f"bytes {have}-")


def is_ready(known: KnownSet, folder: Path) -> bool:
    """All of a set's files are in the folder under their final names (so were complete and checked)."""
    return all((folder / name).is_file() for name in known.ready_files)


def fetch_set(name: str | KnownSet, folder: Path | None = None, *, progress: Progress | None = None,
              cancel: threading.Event | None = None, mirror: str | None = None,
              timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)) -> Path:
    """Fetch (or reuse) the set `name` into `folder` (default: the user's data folder) and return the
    folder the set's data kind reads. Raises FetchCancelled on Cancel, FetchError with a message for
    the learner when no mirror delivers a correct file."""
    import pooch

    pooch.get_logger().setLevel("WARNING")  # nnviz reports progress itself
    try:
        known = name if isinstance(name, KnownSet) else known_set(name)
    except KeyError as exc:
        raise FetchError(exc.args[0]) from None
    folder = Path(folder).expanduser() if folder is not None else set_folder(known)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(translate("Cannot create the folder {folder} for {title} ({reason}): choose another "
                                   "folder.", folder=folder, title=known.title, reason=os_reason(exc))) from None
    if known.unpack_to and is_ready(known, folder):
        return folder / known.unpack_to  # unpacked earlier from a checked archive: no network needed
    for item in known.files:
        _stop_if_cancelled(cancel)
        _fetch_file(known, item, folder, progress, cancel, mirror, timeout)
    if known.unpack_to:
        _unpack(known, folder)
    return folder / known.unpack_to if known.unpack_to else folder


def _fetch_file(known: KnownSet, item: KnownFile, folder: Path, progress: Progress | None,
                cancel: threading.Event | None, mirror: str | None, timeout: tuple[float, float]) -> None:
    import pooch
    import requests

    problems: list[str] = []
    for url in known.urls(item, mirror):
        # Twice per mirror: a hash mismatch after a resume may come from a stale partial file, which
        # pooch has removed by then, so the second try downloads the whole file afresh.
        for _attempt in range(2):
            downloader = ResumableDownloader(folder / PARTIAL / item.name, progress, cancel, timeout)
            try:
                pooch.retrieve(url, known_hash=f"sha256:{item.sha256}", fname=item.name, path=folder,
                               downloader=downloader)
                return
            except FetchCancelled:
                raise
            except ValueError:  # pooch: the SHA-256 does not match the published one
                problems.append(translate("{url}: the file arrived damaged (its SHA-256 is not the published one)",
                                          url=url))
            except requests.exceptions.Timeout:
                _stop_if_cancelled(cancel)
                problems.append(translate("{url}: the server did not answer within {seconds} seconds", url=url,
                                          seconds=_seconds(timeout)))
                break
            except requests.exceptions.RequestException as exc:
                _stop_if_cancelled(cancel)
                problems.append(f"{url}: {_reason(exc, timeout)}")
                if downloader.resumed_from or not (folder / PARTIAL / item.name).exists():
                    break
                # The connection broke mid-file: the bytes so far are kept, resume once on this mirror.
            except OSError as exc:
                raise FetchError(translate("Cannot write {name} into {folder} ({reason}).", name=item.name,
                                           folder=folder, reason=os_reason(exc))) from None
    raise FetchError(offline_message(known, folder, problems))


def _seconds(timeout: tuple[float, float]) -> str:
    return format(max(timeout), "g")


def _stop_if_cancelled(cancel: threading.Event | None) -> None:
    """A connection that ended while Cancel was pressed ended because of it: say so, not "no connection"."""
    if cancel is not None and cancel.is_set():
        raise FetchCancelled(translate(CANCELLED))


def _reason(exc: Exception, timeout: tuple[float, float]) -> str:
    import requests

    if "timed out" in str(exc).lower():  # a read timeout inside the body arrives as a ConnectionError
        return translate("the server stopped sending for more than {seconds} seconds", seconds=_seconds(timeout))
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return translate("the server answered {code} {reason}", code=exc.response.status_code,
                         reason=exc.response.reason)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return translate("no connection (is this computer offline?)")
    return type(exc).__name__


def offline_message(known: KnownSet, folder: Path, problems: list[str]) -> str:
    """What went wrong, what to download by hand and where to put it, and the shipped stand-in."""
    lines = [translate("Could not download {title} (about {size} MB).", title=known.title, size=known.size_mb)]
    lines += [f"  {p}" for p in problems[-3:]]
    lines.append(translate("To use it without this download, get these files with a browser on any computer:"))
    lines += [f"  {known.mirrors[0]}/{f.name}" for f in known.files]
    where = str(folder) if not known.unpack_to else translate("{folder} (nnviz unpacks it there)", folder=folder)
    lines.append(translate("and put them, unchanged, in {where}; or point nnviz at a folder that already has "
                           "them.", where=where))
    if known.stand_in:
        stand_in = translate(STAND_IN_WORDS[known.stand_in])
        lines.append(translate("Meanwhile you can train on {stand_in}.", stand_in=stand_in))
    return "\n".join(lines)


def _unpack(known: KnownSet, folder: Path) -> None:
    """Take the set's members out of its archive into folder/<unpack_to>, complete or not at all."""
    final = folder / known.unpack_to
    if is_ready(known, folder):
        return
    archive = folder / known.files[0].name
    staging = folder / f".{known.unpack_to}.unpacking"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    wanted = set(known.members)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if base in wanted and member.isfile():
                    source = tar.extractfile(member)
                    if source is not None:
                        with source, open(staging / base, "wb") as out:
                            shutil.copyfileobj(source, out)
                        wanted.discard(base)
        if wanted:
            raise FetchError(translate("{archive} does not hold {names}: delete it and fetch again.", archive=archive,
                                       names=", ".join(sorted(wanted))))
        shutil.rmtree(final, ignore_errors=True)
        os.replace(staging, final)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FetchError(translate("Cannot unpack {archive} ({reason}): delete it and fetch again.", archive=archive,
                                   reason=exc)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)

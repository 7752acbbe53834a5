"""Where a report (or any file the tool writes) goes: standard output, a device or FIFO as it is, or a file replaced atomically.

A report file is written to a temporary file beside its target and renamed into place, so a
reader never sees half a report and an interrupted run leaves the previous one intact. That
is only right for regular files: renaming over /dev/null would replace the device with a
file (as root, for every process on the machine), and /dev/stdout or a FIFO must receive the
bytes, not be replaced. So a target that exists and is not a regular file is opened and
written; `-` means standard output; a symlink to a file is followed and the file it names is
replaced, keeping the link. A replaced file keeps its permissions (a 0600 report stays 0600).

Temporary names carry the writer's process id, so leftovers of a killed run are recognised
and removed by the next run that writes to the same folder.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

from audit.core.errors import UsageError

TEMP_SUFFIX = ".claims-audit-tmp"
_LEFTOVER = re.compile(r"^\..+\.(\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")
WORKDIR_PREFIX = "claims-audit-"  # scratch folders in the system temp folder: PREFIX<pid>-XXXX
_WORKDIR = re.compile(r"^" + re.escape(WORKDIR_PREFIX) + r"(\d+)-")


def is_stdout(target: str | Path | None) -> bool:
    return target is None or str(target) == "-"


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, owned by someone else
        return True
    return True


def remove_leftovers(folder: Path) -> None:
    """Delete temporary report files in `folder` whose writing process no longer exists."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _LEFTOVER.match(name)
        if m and not pid_alive(int(m.group(1))):
            try:
                path = folder / name
                if path.is_file() and not path.is_symlink() and _owned(path):
                    path.unlink()
            except OSError:
                pass


def remove_stale_workdirs() -> None:
    """Delete scratch folders in the system temp folder left by killed runs of this user."""
    import shutil

    base = Path(tempfile.gettempdir())
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        m = _WORKDIR.match(name)
        if m and not pid_alive(int(m.group(1))):
            path = base / name
            if path.is_dir() and not path.is_symlink() and _owned(path):
                shutil.rmtree(path, ignore_errors=True)


def make_workdir(kind: str) -> str:
    """A scratch folder whose name tells a later run which process made it."""
    remove_stale_workdirs()
    return tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-{kind}-")


def _owned(path: Path) -> bool:
    return not hasattr(os, "getuid") or path.lstat().st_uid == os.getuid()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Output:
    """A text sink for one report: use `fh`, then `commit()` on success or `abort()` on failure.

    Errors in opening become one-line UsageErrors naming the path.
    """

    def __init__(self, target: str | Path | None, sweep: bool = True) -> None:
        """`sweep`: first remove the leftovers of killed runs from the target's folder."""
        self.display = "-" if is_stdout(target) else str(target)
        self.tmp: str | None = None
        self.final: Path | None = None
        self.mode: int | None = None
        self.owned = False  # the file object is ours to close
        if is_stdout(target):
            self.fh: IO[str] = sys.stdout
            return
        path = Path(str(target))
        try:
            st = os.stat(path)  # follows symlinks: /dev/stdout -> /proc/self/fd/1 -> a pipe
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise UsageError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path}: is a folder; give a file name for the report")
        try:
            if st is not None and not stat.S_ISREG(st.st_mode):
                # A device, FIFO or socket: write to it, never replace it.
                self.fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
                self.owned = True
                return
            final = Path(os.path.realpath(path))
            final.parent.mkdir(parents=True, exist_ok=True)
            if sweep:
                remove_leftovers(final.parent)
            fd, self.tmp = tempfile.mkstemp(
                prefix=f".{final.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=final.parent
            )
        except OSError as exc:
            raise UsageError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self.owned = True
        self.final = final
        self.mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()

    def commit(self) -> None:
        if not self.owned:
            self.fh.flush()
            return
        self.fh.close()
        self.owned = False
        if self.tmp is None or self.final is None:
            return
        try:
            os.chmod(self.tmp, self.mode if self.mode is not None else 0o644)
            os.replace(self.tmp, self.final)
        except OSError as exc:
            self.abort()
            raise UsageError(
                f"{self.display}: cannot write the report ({exc.strerror or exc})"
            ) from None
        self.tmp = None

    def abort(self) -> None:
        if self.owned:
            self.fh.close()
            self.owned = False
        if self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
            self.tmp = None


def write_report(target: str | Path | None, text: str, sweep: bool = True) -> None:
    """Write a whole report to `target` (see the module docstring), never half of it."""
    out = Output(target, sweep)
    try:
        out.fh.write(text)
    except BaseException:
        out.abort()
        raise
    out.commit()


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one existing regular file (a report must not replace an input)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return stat.S_ISREG(sa.st_mode) and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)

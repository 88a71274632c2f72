"""Writing the user's own files so that nothing is ever lost.

``write_atomically(path, text)``: the new content goes to a temporary file in the same folder, is
flushed and fsync'ed, the previous version is kept as ``<name>.bak``, and only then does the temporary
file replace the target with one ``os.replace`` (atomic on POSIX and Windows). A crash or kill at any
moment leaves either the old file or the new one, never a mixture; a failure removes the temporary
file and raises :class:`~app.errors.TalusError` naming the file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from app.errors import TalusError


def backup_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".bak")


def write_atomically(path: str | Path, text: str, *, keep_backup: bool = True) -> Path:
    """Replace ``path`` with ``text`` (UTF-8) atomically; keep the previous version as ``.bak``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TalusError(f"{path}: folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
            if keep_backup:
                _copy_durably(path, backup_path(path))
        os.replace(tmp, path)
        _fsync_dir(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TalusError(f"{path}: not saved ({exc.strerror or exc}); the file on disk is unchanged") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _copy_durably(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temporary file, so a crash never leaves a torn backup."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, dst)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

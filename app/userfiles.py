"""Writing the user's files so that nothing is ever lost: the one atomic-write helper of Talus.

Every file Talus writes (a techniques file, a still, a clip, a folder of frames) goes through
:func:`atomic_target`::

    target (symlinks followed) ──refuse if read-only──┐
    .NAME.talus-PID-XXXXXX.part.EXT  <── written here ├─ fsync ─ keep NAME.bak ─ os.replace ─> NAME
    (stale ones of dead PIDs removed first)            └─ any failure: temporary removed, TalusError

- The temporary file sits beside the target (same file system, so ``os.replace`` is atomic on POSIX
  and Windows): a crash or kill at any moment leaves the old file or the new one, never a mixture.
- Its name carries the writer's process id. A process killed mid-write (SIGKILL, power loss) leaves
  its temporary behind; the next write beside the same target removes those of processes that are
  no longer running (:func:`remove_stale_temporaries`), and never anything else.
- A symlink is followed: the link's target is written, the link stays a link.
- A read-only target is refused (the user protected it); a read-only folder or file system, a full
  disk or a path through a file give a :class:`~app.errors.TalusError` naming the file and the cause.

``write_atomically(path, text_or_bytes)`` is the short form for content already in memory.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.errors import TalusError

#: ``.NAME.talus-PID-XXXXXX.part`` (+ the target's own suffix, so encoders recognise the format)
_TEMP = re.compile(r"^\.(?P<name>.+)\.talus-(?P<pid>\d+)-[0-9a-f]{6}\.part(?:\.[A-Za-z0-9]+)?$")
#: names written by earlier versions: ``.STEM.part-PID.EXT`` (clips, frame folders) ...
_LEGACY_PID = re.compile(r"^\.(?P<stem>.+)\.part-(?P<pid>\d+)(?P<suffix>\.[A-Za-z0-9]+)?$")
#: ... and ``.NAME.XXXXXXXX.tmp`` (saves, from mkstemp, no PID) and ``.NAME.part`` (stills, no PID)
_LEGACY_NOPID = re.compile(r"^\.(?P<name>.+)\.(?:[a-z0-9_]{8}\.tmp|part)$")
#: a temporary without a PID is stale once it is this old (no save takes anywhere near as long)
LEGACY_STALE_S = 3600.0


def backup_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".bak")


def resolve_target(path: str | Path) -> Path:
    """The file that will really be written: ``path`` with symlinks followed (a dangling link's target too)."""
    if not str(path).strip():
        raise TalusError("no file name given; name the file to write")
    return Path(os.path.realpath(path))


def check_writable(path: str | Path, *, kind: str = "file") -> Path:
    """Raise :class:`TalusError` if ``path`` cannot be written; return the resolved target.

    Checked before any work is done: the folder exists and is a folder (not a file), and an existing
    target is not read-only. Permission bits are read directly, because ``os.access`` says yes to
    root whatever the bits say.
    """
    shown = Path(path)
    target = resolve_target(path)
    folder = target.parent
    if not folder.is_dir():
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise TalusError(f"{shown}: {probe} is a file, not a folder; choose a folder to write into")
        raise TalusError(f"{shown}: folder {folder} does not exist")
    if target.exists() or target.is_symlink():
        if kind == "file" and target.is_dir():
            raise TalusError(f"{shown}: a folder of that name exists; choose a file name")
        if kind == "folder" and not target.is_dir():
            raise TalusError(f"{shown}: a file of that name exists; choose a new folder for the frames")
        if kind == "file" and _read_only(target):
            raise TalusError(f"{shown}: the file is read-only; it was left unchanged (save under another name, "
                             "or make it writable first)")
    if _read_only_file_system(folder):
        raise TalusError(f"{shown}: folder {folder} is on a read-only file system; choose another folder")
    if not os.access(folder, os.W_OK):
        raise TalusError(f"{shown}: folder {folder} is not writable")
    return target


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows: the write itself will say
        return False


def _read_only(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


def describe_os_error(exc: OSError) -> str:
    """A plain-words cause for a failed write."""
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return "the disk is full"
    if code == errno.EROFS:
        return "the file system is read-only"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if code == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or str(exc)


def temporary_name(target: Path) -> Path:
    """``.NAME.talus-PID-XXXXXX.part.EXT`` beside ``target`` (the suffix kept for the encoders)."""
    suffix = target.suffix if re.fullmatch(r"\.[A-Za-z0-9]+", target.suffix or "") else ""
    return target.with_name(f".{target.name}.talus-{os.getpid()}-{secrets.token_hex(3)}.part{suffix}")


def pid_running(pid: int) -> bool:
    """True if a process with this id runs on this machine (when unsure, say it does)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.windll.kernel32.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        ok = ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return not ok or code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _stale(entry: os.DirEntry, name: str) -> bool:
    """True if ``entry`` is a Talus temporary (of any file) or an earlier version's one of ``name``, left by a dead writer."""
    m = _TEMP.match(entry.name)
    if m:  # tagged "talus-PID": ours whatever file it was for
        return not pid_running(int(m["pid"]))
    if not name:
        return False
    m = _LEGACY_PID.match(entry.name)
    if m:
        own = f"{m['stem']}{m['suffix'] or ''}"
        if own == name or (m["suffix"] is None and m["stem"] == name):
            return not pid_running(int(m["pid"]))
        return False
    m = _LEGACY_NOPID.match(entry.name)
    if m and m["name"] == name:
        try:
            return time.time() - entry.stat(follow_symlinks=False).st_mtime > LEGACY_STALE_S
        except OSError:
            return False
    return False


def remove_stale_temporaries(folder: str | Path, name: str = "") -> list[Path]:
    """Remove temporaries that writers killed mid-write left in ``folder``; return what was removed.

    Only Talus's own temporary names are touched (see the module docstring), and only when their
    writer is no longer running: ``.NAME.talus-PID-...`` of any file, and the names of earlier
    versions only for the file ``name`` (those without a process id when older than
    :data:`LEGACY_STALE_S`). Failures to remove are ignored.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(".") or not _stale(entry, name):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


@contextmanager
def atomic_target(path: str | Path, *, kind: str = "file", keep_backup: bool = False,
                  overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit it atomically becomes ``path``.

    ``kind="folder"`` gives a temporary folder (numbered PNG frames): an existing folder must be
    empty. ``keep_backup`` copies the previous file to ``NAME.bak`` first. Any exception removes the
    temporary (file or folder) and leaves the target as it was; an :class:`OSError` becomes a
    :class:`TalusError` naming ``path`` and the cause. Stale temporaries of the same target left by
    dead processes are removed first.
    """
    shown = Path(path)
    target = check_writable(path, kind=kind)
    if kind == "folder" and target.is_dir() and any(target.iterdir()):
        raise TalusError(f"{shown}: folder exists and is not empty; choose a new folder for the frames")
    if not overwrite and target.exists():
        raise TalusError(f"{shown}: exists already")
    folder = target.parent
    remove_stale_temporaries(folder, target.name)
    remove_stale_temporaries(folder, backup_path(target).name)
    tmp = temporary_name(target)
    try:
        try:
            if kind == "folder":
                tmp.mkdir()
            else:
                tmp.touch(mode=0o666)
            yield tmp
            if kind == "folder":
                if target.is_dir():
                    target.rmdir()  # empty (checked above): the finished frames take its place
            else:
                _fsync_file(tmp)
                if target.exists():
                    shutil.copymode(target, tmp)
                    if keep_backup:
                        _copy_durably(target, backup_path(target))
            os.replace(tmp, target)
            _fsync_dir(folder)
        except OSError as exc:
            verb = "not saved" if kind == "file" else "not written"
            after = "the file on disk is unchanged" if target.exists() else "nothing was written"
            raise TalusError(f"{shown}: {verb} ({describe_os_error(exc)}); {after}") from None
    finally:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            try:
                tmp.unlink()
            except OSError:
                pass


def write_atomically(path: str | Path, data: str | bytes, *, keep_backup: bool = True) -> Path:
    """Replace ``path`` with ``data`` (text as UTF-8) atomically; keep the previous version as ``.bak``.

    Returns the path written (a symlink's target). Raises :class:`TalusError` if it cannot be saved.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_target(path, keep_backup=keep_backup) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
    return resolve_target(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_durably(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temporary file, so a crash never leaves a torn backup."""
    tmp = temporary_name(dst)
    try:
        with open(tmp, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


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

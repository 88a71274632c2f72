"""A save that fails half-way leaves the user's file intact and the backup present."""

import errno
import os
import subprocess
import sys

import pytest

from app.errors import TalusError
from app.userfiles import backup_path, write_atomically


def test_save_replaces_the_file_and_keeps_the_previous_version(tmp_path):
    p = tmp_path / "mine.json"
    write_atomically(p, "one")
    write_atomically(p, "two")
    assert p.read_text() == "two"
    assert backup_path(p).read_text() == "one"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["mine.json", "mine.json.bak"]


def test_a_save_that_fails_half_way_leaves_the_file_intact(tmp_path, monkeypatch):
    p = tmp_path / "mine.json"
    write_atomically(p, "original")
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(TalusError, match=r"mine\.json: not saved \(the disk is full\)"):
        write_atomically(p, "new content that never lands")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert p.read_text() == "original"
    assert not [x for x in tmp_path.iterdir() if x.name.endswith(".tmp")]


def test_a_kill_during_a_save_leaves_the_old_or_the_new_file(tmp_path):
    p = tmp_path / "mine.json"
    write_atomically(p, "A" * 100_000)
    # a child process killed in the middle of writing (it stops itself before the rename)
    code = ("import os, signal; from app import userfiles\n"
            "real = os.replace\n"
            "def die(*a, **k):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.replace = die\n"
            f"userfiles.write_atomically({str(p)!r}, 'B' * 100_000)\n")
    r = subprocess.run([sys.executable, "-c", code])
    assert r.returncode != 0
    assert p.read_text() == "A" * 100_000


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(TalusError, match="does not exist"):
        write_atomically(tmp_path / "nope" / "mine.json", "x")


# -- faults: kills, read-only files and folders, symlinks ---------------------------------------------

def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped), so nothing runs under it."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporaries_of_killed_saves_are_removed_on_the_next_save(tmp_path):
    from app.userfiles import temporary_name

    p = tmp_path / "mine.json"
    write_atomically(p, "A")
    # a real kill: a child stops itself (SIGKILL) after writing its temporary, before the rename
    code = ("import os, signal; from app import userfiles\n"
            "os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
            f"userfiles.write_atomically({str(p)!r}, 'B' * 100_000)\n")
    for _ in range(3):
        assert subprocess.run([sys.executable, "-c", code]).returncode != 0
    assert [x for x in tmp_path.iterdir() if x.name.startswith(".")]  # the killed saves left temporaries
    write_atomically(p, "C")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["mine.json", "mine.json.bak"]
    assert p.read_text() == "C"


def test_only_our_own_stale_temporaries_are_removed(tmp_path):
    import time

    from app.userfiles import remove_stale_temporaries

    dead = _dead_pid()
    old = time.time() - 2 * 3600
    stale = [f".mine.json.talus-{dead}-abc123.part", f".clip.part-{dead}.mp4", ".mine.json.k2j4h5g6.tmp",
             f".other.json.talus-{dead}-abc123.part.json"]  # tagged as ours: whatever file it was for
    keep = [f".mine.json.talus-{os.getpid()}-abc123.part",  # a save running now (this process)
            f".clip.part-{os.getppid()}.mp4",  # a live process
            ".notes.txt", "mine.json", ".other.json.k2j4h5g6.tmp"]  # not ours / an old name of another file
    for name in stale + keep:
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (old, old))
    (tmp_path / f".frames.part-{dead}").mkdir()
    (tmp_path / f".frames.part-{dead}" / "frame_00000.png").write_bytes(b"")
    fresh = tmp_path / ".mine.json.zzzzzzzz.tmp"  # PID-less and young: maybe a save in progress
    fresh.write_text("x")
    removed = remove_stale_temporaries(tmp_path, "mine.json")
    assert sorted(p.name for p in removed) == sorted([stale[0], stale[2], stale[3]])
    remove_stale_temporaries(tmp_path, "clip.mp4")
    remove_stale_temporaries(tmp_path, "frames")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep + [fresh.name])


def test_saving_over_a_read_only_file_is_refused(tmp_path):
    p = tmp_path / "mine.json"
    p.write_text("protected")
    p.chmod(0o444)
    with pytest.raises(TalusError, match=r"mine\.json: the file is read-only"):
        write_atomically(p, "new")
    assert p.read_text() == "protected"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["mine.json"]


def test_saving_through_a_symlink_writes_its_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "mine.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomically(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert (real / "mine.json.bak").read_text() == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["link.json", "real"]


@pytest.mark.parametrize("code, words", [(errno.EACCES, "permission denied"),
                                         (errno.EROFS, "the file system is read-only"),
                                         (errno.ENOSPC, "the disk is full")])
def test_a_folder_that_refuses_the_write_gives_a_message(tmp_path, monkeypatch, code, words):
    # CI runs as root, whom permission bits do not stop: the file system's refusal is simulated
    import pathlib

    def refuse(self, *a, **k):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pathlib.Path, "touch", refuse)
    with pytest.raises(TalusError, match=rf"mine\.json: not saved \({words}"):
        write_atomically(tmp_path / "mine.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_or_file_system_is_named(tmp_path, monkeypatch):
    from app import userfiles

    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(TalusError, match="is not writable"):
        write_atomically(tmp_path / "mine.json", "x")
    monkeypatch.setattr(userfiles, "_read_only_file_system", lambda folder: True)
    with pytest.raises(TalusError, match="read-only file system"):
        write_atomically(tmp_path / "mine.json", "x")


def test_a_path_through_a_file_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(TalusError, match=r"notes\.txt is a file, not a folder"):
        write_atomically(tmp_path / "notes.txt" / "sub" / "mine.json", "x")
    with pytest.raises(TalusError, match="no file name"):
        write_atomically("", "x")

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
    with pytest.raises(TalusError, match=r"mine\.json: not saved .*No space left"):
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

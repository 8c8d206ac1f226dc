"""Files written whole, with the permissions the umask gives (mkstemp's 0600 was chmod-ed to 0644 whatever it was)."""
import os
import stat

import pytest

from symback.engine.files import write_atomic


@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_a_written_file_has_the_mode_the_umask_allows(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "sub" / "key.md", "δ\n")
        write_atomic(tmp_path / "sheet.pdf", b"%PDF")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "sub" / "key.md").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "sheet.pdf").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "sub").stat().st_mode) == 0o777 & ~umask
    assert (tmp_path / "sub" / "key.md").read_text(encoding="utf-8") == "δ\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "answers.csv"
    target.write_text("old")

    class Broken(str):
        def encode(self, *args):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(target, Broken("new"))
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["answers.csv"]

"""What a bad command line must leave behind, checked alike by the bad-input tables (tests/test_cli*.py)."""

from keras_stvideo import cli


def snapshot(folder):
    """Every path under ``folder`` with its size (-1 for folders): equal before and after means nothing written."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size if p.is_file() else -1) for p in folder.rglob("*"))


def assert_one_line_error(tmp_path, capsys, argv, fragment):
    """``stvideo argv`` exits 2 with one stderr line naming ``fragment``, no traceback, no temporary name, nothing
    on stdout and nothing written under ``tmp_path``."""
    before = snapshot(tmp_path)
    status = cli.main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert status == 2, captured
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("stvideo") and "error: " in lines[0], lines[0]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in captured.err and ".part" not in captured.err and captured.out == ""
    assert snapshot(tmp_path) == before  # nothing half-written, no folder created

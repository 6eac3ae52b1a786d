"""Resumable downloads from a loopback server, archive checks, and the KTH script and ``stvideo data fetch``
end to end on local archives."""

import hashlib
import http.server
import importlib.util
import pathlib
import shutil
import threading
import zipfile

import pytest

from keras_stvideo import cli
from keras_stvideo.data.download import ArchiveError, download, unpack, verify
from keras_stvideo.data.fetch import KTH_ACTIONS
from keras_stvideo.data.video_index import VideoIndex
from tests.data.video_files import pattern_video, truncated_copy, write_mjpeg_avi, write_video

SCRIPTS = pathlib.Path(__file__).resolve().parents[2] / "data_scripts"
PAYLOAD = bytes(range(256)) * 4000


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD at /file.bin, honouring 'Range: bytes=N-' as a real server does."""

    def do_GET(self):
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
            self.send_response(206)
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/file.bin"
    httpd.shutdown()


def test_download_resumes_and_verifies(tmp_path, server):
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    target = tmp_path / "file.bin"
    (tmp_path / "file.bin.part").write_bytes(PAYLOAD[:1000])  # an interrupted download
    download(server, target, size=len(PAYLOAD), sha256=digest, progress=False)
    assert target.read_bytes() == PAYLOAD
    assert not (tmp_path / "file.bin.part").exists()
    download(server, target, size=len(PAYLOAD), sha256=digest, progress=False)  # complete: nothing to do


def test_corrupt_download_never_takes_the_final_name(tmp_path, server):
    target = tmp_path / "file.bin"
    with pytest.raises(ArchiveError, match="SHA-256"):
        download(server, target, sha256="0" * 64, progress=False)
    assert not target.exists()
    (tmp_path / "short.zip").write_bytes(b"abc")
    with pytest.raises(ArchiveError, match="has 3 bytes, expected 10"):
        verify(tmp_path / "short.zip", size=10)
    with pytest.raises(ArchiveError, match="archive not found"):
        verify(tmp_path / "none.zip")


def test_unpack_zip_is_atomic_and_bad_zip_is_named(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inner/file.txt", "hello")
    out = unpack(archive, tmp_path / "out")
    assert (out / "inner" / "file.txt").read_text() == "hello"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError, match="bad.zip is not a valid ZIP"):
        unpack(bad, tmp_path / "out2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip", "bad.zip", "out"]  # no staging left
    with pytest.raises(ArchiveError, match="unsupported archive type"):
        (tmp_path / "x.tar").write_bytes(b"")
        unpack(tmp_path / "x.tar", tmp_path / "out3")


def _load_script(name):
    spec = importlib.util.spec_from_file_location(f"script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_kth_archives(archives, video):
    """KTH's six action ZIPs (persons 2 and 11, scenario d1, ``video`` each) and 00sequences.txt in ``archives``."""
    archives.mkdir(parents=True)
    lines = []
    for action in KTH_ACTIONS:
        with zipfile.ZipFile(archives / f"{action}.zip", "w") as z:
            for person in (2, 11):
                name = f"person{person:02d}_{action}_d1"
                z.write(video, f"{name}_uncomp.avi")
                lines.append(f"{name}\tframes\t1-4, 5-8")
    (archives / "00sequences.txt").write_text("\n".join(lines) + "\n")


@pytest.mark.slow  # builds and unpacks archives, decodes every video
def test_kth_script_end_to_end_on_local_archives(tmp_path, capsys):
    kth_script = _load_script("kth")
    write_kth_archives(tmp_path / "root" / "archives", write_video(tmp_path / "tiny.avi", pattern_video(8, 16, 16)))
    assert kth_script.main(["--root", str(tmp_path / "root"), "--skip-download", "--check-decode"]) == 0
    index = VideoIndex.load(tmp_path / "root" / "index.json")
    assert len(index.entries) == 6 * 2 * 2
    assert index.counts("kth1") == {"train": 12, "test": 12}
    out = capsys.readouterr().out
    assert "verified 12 videos (12 decoded now" in out and ": 0 broken" in out, out
    assert not (tmp_path / "root" / "broken_videos.txt").exists()
    # A re-run skips the unpacked archives and gives the same index.
    assert kth_script.main(["--root", str(tmp_path / "root"), "--skip-download"]) == 0
    assert VideoIndex.load(tmp_path / "root" / "index.json").entries == index.entries
    assert "(0 decoded now" in capsys.readouterr().out  # verified once, not again


def test_kth_script_reports_undecodable_videos_and_missing_archives(tmp_path, capsys):
    kth_script = _load_script("kth")
    root = tmp_path / "root"
    with pytest.raises(ArchiveError, match="walking.zip"):
        kth_script.main(["--root", str(root), "--skip-download"])
    (root / "archives").mkdir(parents=True)
    for action in kth_script.ACTIONS:
        with zipfile.ZipFile(root / "archives" / f"{action}.zip", "w") as z:
            z.writestr(f"person02_{action}_d1_uncomp.avi", b"not a video")
    (root / "archives" / "00sequences.txt").write_text(
        "\n".join(f"person02_{a}_d1 frames 1-4" for a in kth_script.ACTIONS) + "\n")
    assert kth_script.main(["--root", str(root), "--skip-download", "--check-decode"]) == 0
    out = capsys.readouterr().out
    assert "6 video(s) are broken" in out and "person02_walking_d1_uncomp.avi" in out
    listed = (root / "broken_videos.txt").read_text().splitlines()
    assert len(listed) == 6 and all(line.split("\t")[0].endswith("_uncomp.avi") for line in listed)


def test_rar_needs_a_tool_or_says_how(tmp_path):
    archive = tmp_path / "x.rar"
    archive.write_bytes(b"Rar!\x1a\x07\x00garbage")
    if importlib.util.find_spec("rarfile") is None:
        with pytest.raises(ArchiveError, match="pip install rarfile"):
            unpack(archive, tmp_path / "out")
    elif not any(shutil.which(t) for t in ("unrar", "unar", "bsdtar", "7z")):
        with pytest.raises(ArchiveError, match="libarchive-tools"):
            unpack(archive, tmp_path / "out")
    else:
        with pytest.raises(ArchiveError, match="cannot unpack"):
            unpack(archive, tmp_path / "out")


def test_scripts_verify_every_video_once_and_list_truncated_ones(tmp_path, capsys):
    kth_script = _load_script("kth")
    good = write_mjpeg_avi(tmp_path / "good.avi", pattern_video(12))
    partial = truncated_copy(good, 0.7)  # a partly downloaded video: header says 12 frames
    root = tmp_path / "root"
    (root / "archives").mkdir(parents=True)
    lines = []
    for action in kth_script.ACTIONS:
        with zipfile.ZipFile(root / "archives" / f"{action}.zip", "w") as z:
            z.write(good, f"person02_{action}_d1_uncomp.avi")
            z.write(partial if action == "boxing" else good, f"person11_{action}_d1_uncomp.avi")
        lines += [f"person02_{action}_d1\tframes\t1-4", f"person11_{action}_d1\tframes\t1-4"]
    (root / "archives" / "00sequences.txt").write_text("\n".join(lines) + "\n")
    assert kth_script.main(["--root", str(root), "--skip-download"]) == 0
    out = capsys.readouterr().out
    assert "verified 12 videos (12 decoded now" in out and "1 video(s) are broken" in out
    assert "person11_boxing_d1_uncomp.avi" in out and "of the 12 frames" in out
    listed = (root / "broken_videos.txt").read_text().splitlines()
    assert [line.split("\t")[0] for line in listed] == ["boxing/person11_boxing_d1_uncomp.avi"]
    # Fixed by downloading again: only the changed file is decoded, and the list goes away.
    shutil.copyfile(good, root / "videos" / "boxing" / "person11_boxing_d1_uncomp.avi")
    assert kth_script.main(["--root", str(root), "--skip-download"]) == 0
    out = capsys.readouterr().out
    assert "(1 decoded now" in out and ": 0 broken" in out
    assert not (root / "broken_videos.txt").exists()


def test_stvideo_data_fetch_kth_equals_the_script_on_local_archives(tmp_path, capsys):
    video = write_video(tmp_path / "tiny.avi", pattern_video(8, 16, 16))
    for root in ("cli", "script"):
        write_kth_archives(tmp_path / root / "archives", video)
    assert cli.main(["data", "fetch", "kth", "--root", str(tmp_path / "cli"), "--skip-download", "--skip-verify"]) == 0
    index = VideoIndex.load(tmp_path / "cli" / "index.json")
    assert len(index.entries) == 6 * 2 * 2 and index.counts("kth1") == {"train": 12, "test": 12}
    assert {entry.frame_range for entry in index.entries} == {(0, 4), (4, 8)}  # 00sequences.txt's 1-4, 5-8
    assert index.path_of(index.entries[0]).read_bytes() == video.read_bytes()
    assert "verified" not in capsys.readouterr().out  # --skip-verify
    assert _load_script("kth").main(["--root", str(tmp_path / "script"), "--skip-download", "--skip-verify"]) == 0
    assert VideoIndex.load(tmp_path / "script" / "index.json").entries == index.entries


def _fake_mnist(path, size=2):
    import numpy as np

    np.savez(path, x_train=np.zeros((size, 28, 28), np.uint8), y_train=np.zeros(size, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_stvideo_data_fetch_mnist_installs_a_checked_copy(tmp_path, capsys):
    digest = _fake_mnist(tmp_path / "copy.npz")
    dest = tmp_path / "cache" / "mnist.npz"
    args = ["data", "fetch", "mnist", "--from-file", str(tmp_path / "copy.npz"), "--dest", str(dest)]
    assert cli.main(args + ["--sha256", "0" * 64]) == 2
    assert "checksum mismatch" in capsys.readouterr().err and not dest.exists()
    assert cli.main(args + ["--sha256", digest]) == 0
    assert dest.read_bytes() == (tmp_path / "copy.npz").read_bytes()
    assert cli.main(args + ["--sha256", digest]) == 0 and "already complete" in capsys.readouterr().out


@pytest.mark.parametrize("arguments, fragment", [
    (["kth"], "kth needs --root DIR"),
    (["kth", "--root", "{root}", "--skip-download"], "archive not found"),
    (["ucf101", "--root", "{root}", "--dest", "x.npz"], "--dest apply to mnist, not to ucf101"),
    (["mnist", "--root", "{root}"], "--root apply to the video datasets"),
    (["mnist", "--from-file", "{root}/none.npz", "--dest", "{root}/m.npz"], "MNIST file to install not found"),
    (["imagenet"], "invalid choice: 'imagenet'"),
])
def test_stvideo_data_fetch_errors_are_one_line_and_write_nothing(tmp_path, capsys, arguments, fragment):
    status = cli.main(["data", "fetch"] + [a.format(root=tmp_path / "root") for a in arguments])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and fragment in err[0], err
    assert not (tmp_path / "root").exists()

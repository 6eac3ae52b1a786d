"""Download, verify, unpack and index the datasets: what ``stvideo data fetch DATASET`` runs.

* ``kth``: KTH actions (Schuldt et al. 2004), six ZIPs of AVIs and ``00sequences.txt``;
  index with the KTH1, KTH2 and person splits (``datasets.kth``).
* ``ucf101``: UCF101 (Soomro et al. 2012), one RAR and the official three splits.
* ``hmdb51``: HMDB51 (Kuehne et al. 2011), a RAR of per-class RARs and the three splits.
* ``mnist``: Keras' ``mnist.npz`` (70,000 digits) to where ``load_mnist`` looks first.

A video dataset lands in ROOT: ``archives/`` (resumable downloads, checked), ``videos/``
(unpacked atomically), ``index.json`` (``VideoIndex``), and, unless verification is
skipped, ``verified_videos.json`` (every video decoded once, keyed by size and mtime, so
a re-run decodes only new files) and ``broken_videos.txt`` (the ones that do not decode).
With ``skip_download`` the archives must already be in ``ROOT/archives``. No Keras here.
"""

import json
import os
import pathlib
import shutil
import urllib.request


VERIFIED_FILE = "verified_videos.json"
BROKEN_FILE = "broken_videos.txt"

KTH_BASE = "https://www.csc.kth.se/cvap/actions/"
KTH_ACTIONS = ("walking", "jogging", "running", "boxing", "handwaving", "handclapping")
KTH_ARCHIVES = {f"{action}.zip": {"url": f"{KTH_BASE}{action}.zip"} for action in KTH_ACTIONS}
KTH_SEQUENCES = {"00sequences.txt": {"url": f"{KTH_BASE}00sequences.txt"}}

UCF101_ARCHIVES = {
    "UCF101.rar": {"url": "https://www.crcv.ucf.edu/data/UCF101/UCF101.rar"},
    "UCF101TrainTestSplits-RecognitionTask.zip": {
        "url": "https://www.crcv.ucf.edu/data/UCF101/UCF101TrainTestSplits-RecognitionTask.zip"
    },
}

HMDB51_ARCHIVES = {
    "hmdb51_org.rar": {"url": "http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/hmdb51_org.rar"},
    "test_train_splits.rar": {"url": "http://serre-lab.clps.brown.edu/wp-content/uploads/2013/10/test_train_splits.rar"},
}


def fetch_all(archives, root, skip_download):
    """Download (or, with ``skip_download``, only check) each archive into ROOT/archives; name -> local path."""
    from keras_stvideo.data.download import download, verify

    paths = {}
    for name, spec in archives.items():
        target = pathlib.Path(root) / "archives" / name
        if skip_download:
            verify(target, spec.get("size"), spec.get("sha256"))
        else:
            download(spec["url"], target, spec.get("size"), spec.get("sha256"))
        paths[name] = target
    return paths


def _read_verified(cache_path):
    try:
        return json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    except (ValueError, OSError):
        return {}


def _verify_one(path, previous):
    """(result, decoded now): frames or the error of one video, reusing ``previous`` if the file did not change."""
    from keras_stvideo.data.video import verify_video

    try:
        stat = path.stat()
        key = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    except OSError as error:
        return {"error": f"cannot read: {error}"}, False
    if previous and all(previous.get(k) == v for k, v in key.items()):
        return previous, False
    try:
        return dict(key, frames=verify_video(path)), True
    except (ValueError, OSError) as error:
        return dict(key, error=" ".join(str(error).split())), True


def verify_videos(index, root):
    """Decode every distinct video of the index once; return [(relative path, reason)] of the broken ones.

    A video is broken when it does not decode or decoding fails before its end (a truncated file, e.g. a
    partial download). Results are kept in ROOT/verified_videos.json keyed by path, size and modification
    time, so a re-run decodes only new or changed files. The broken ones are written to
    ROOT/broken_videos.txt (removed when none is broken).
    """
    from tqdm import tqdm

    from keras_stvideo.utils.atomic import atomic_path

    root = pathlib.Path(root)
    cache = _read_verified(root / VERIFIED_FILE)
    entries = {entry.path: entry for entry in index.entries}  # KTH indexes one file several times
    videos = sorted(entries)
    results, decoded = {}, 0
    for relative in tqdm(videos, desc="verifying videos", unit="video"):
        results[relative], now = _verify_one(index.path_of(entries[relative]), cache.get(relative))
        decoded += now
    with atomic_path(root / VERIFIED_FILE) as tmp:
        tmp.write_text(json.dumps(results, indent=1, sort_keys=True))
    broken = [(relative, result["error"]) for relative, result in results.items() if "error" in result]
    broken_path = root / BROKEN_FILE
    if broken:
        with atomic_path(broken_path) as tmp:
            tmp.write_text("".join(f"{relative}\t{reason}\n" for relative, reason in broken))
    elif broken_path.exists():
        os.remove(broken_path)
    print(f"verified {len(videos)} videos ({decoded} decoded now, the rest unchanged since {VERIFIED_FILE}): "
          f"{len(broken)} broken")
    return broken


def finish(index, root, verify=True):
    """Save ROOT/index.json, print its splits, and verify its videos (see ``verify_videos``); returns 0."""
    root = pathlib.Path(root)
    path = index.save(root / "index.json")
    print(f"wrote {path}: {len(index.entries)} videos, {len(index.class_names)} classes, splits {index.split_names}")
    for split in index.split_names:
        print(f"  {split}: {index.counts(split)}")
    if verify:
        broken = verify_videos(index, root)
        if broken:
            print(f"{len(broken)} video(s) are broken (truncated or undecodable) and should be downloaded again "
                  f"or left out; listed in {root / BROKEN_FILE}:")
            for video, error in broken:
                print(f"  {video}: {error}")
    return 0


def prepare_kth(root, skip_download=False, allow_missing=False, verify=True):
    """KTH: six action ZIPs unpacked into ROOT/videos/<action>/, indexed with ``00sequences.txt``'s sub-sequences."""
    from keras_stvideo.data.datasets import kth
    from keras_stvideo.data.download import unpack

    root = pathlib.Path(root)
    archives = fetch_all({**KTH_ARCHIVES, **KTH_SEQUENCES}, root, skip_download)
    videos = root / "videos"
    for action in KTH_ACTIONS:
        unpack(archives[f"{action}.zip"], videos / action)
    index = kth.build_index(videos, archives["00sequences.txt"], allow_missing=allow_missing)
    return finish(index, root, verify)


def prepare_ucf101(root, skip_download=False, allow_missing=False, verify=True):
    """UCF101: the RAR (needs ``rarfile`` and a RAR tool, docs/datasets.md) and the split ZIP, indexed."""
    from keras_stvideo.data.datasets import ucf101
    from keras_stvideo.data.download import unpack

    root = pathlib.Path(root)
    archives = fetch_all(UCF101_ARCHIVES, root, skip_download)
    videos = unpack(archives["UCF101.rar"], root / "videos")
    splits = unpack(archives["UCF101TrainTestSplits-RecognitionTask.zip"], root / "splits")
    video_root = next((p for p in (videos / "UCF-101", videos) if p.is_dir()), videos)
    split_dir = next((p.parent for p in splits.rglob("classInd.txt")), splits)
    index = ucf101.build_index(video_root, split_dir, allow_missing=allow_missing)
    return finish(index, root, verify)


def _flatten_class_folders(videos):
    """<class>/<class>/*.avi (how each HMDB51 class RAR unpacks) -> <class>/*.avi."""
    for nested in sorted(videos.iterdir()):
        inner = nested / nested.name
        if inner.is_dir():
            for video in inner.iterdir():
                video.rename(nested / video.name)
            inner.rmdir()


def prepare_hmdb51(root, skip_download=False, allow_missing=False, verify=True):
    """HMDB51: a RAR of 51 class RARs (needs ``rarfile`` and a RAR tool) and the split RAR, indexed."""
    from tqdm import tqdm

    from keras_stvideo.data.datasets import hmdb51
    from keras_stvideo.data.download import unpack

    root = pathlib.Path(root)
    archives = fetch_all(HMDB51_ARCHIVES, root, skip_download)
    outer = unpack(archives["hmdb51_org.rar"], root / "class_archives")
    videos = root / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    for class_rar in tqdm(sorted(outer.rglob("*.rar")), desc="classes", unit="rar"):
        unpack(class_rar, videos / class_rar.stem)  # each class RAR holds a folder of the same name
    _flatten_class_folders(videos)
    splits = unpack(archives["test_train_splits.rar"], root / "splits")
    split_dir = next((p.parent for p in splits.rglob("*_test_split1.txt")), splits)
    index = hmdb51.build_index(videos, split_dir, allow_missing=allow_missing)
    return finish(index, root, verify)


VIDEO_DATASETS = {"kth": prepare_kth, "ucf101": prepare_ucf101, "hmdb51": prepare_hmdb51}
DATASETS = (*VIDEO_DATASETS, "mnist")


def _download_to(url, path):
    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=60) as response, open(path, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc=pathlib.Path(url).name) as progress:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                out.write(chunk)
                progress.update(len(chunk))


def install_mnist(dest=None, source=None, url=None, sha256=None):
    """Download (or copy ``source``) Keras' ``mnist.npz`` to ``dest``, checking its SHA-256 and array layout.

    ``dest`` defaults to Keras' cache (``~/.keras/datasets/mnist.npz``, where ``load_mnist`` looks), ``url``
    and ``sha256`` to Keras' copy (``sha256=""`` skips the check, for other copies). The file takes its name in
    one rename: an interrupted or corrupt download never does. A complete ``dest`` is left alone.
    """
    from keras_stvideo.data import mnist
    from keras_stvideo.data.download import sha256_of
    from keras_stvideo.utils.atomic import atomic_path

    dest = pathlib.Path(mnist.KERAS_CACHE if dest is None else dest)
    url = mnist.URL if url is None else url
    sha256 = mnist.SHA256 if sha256 is None else sha256
    if dest.is_file() and sha256 and sha256_of(dest) == sha256:
        print(f"{dest} is already complete")
        return dest
    if source is not None and not pathlib.Path(source).is_file():
        raise FileNotFoundError(f"MNIST file to install not found: {source}")
    with atomic_path(dest) as tmp:
        if source is not None:
            shutil.copyfile(source, tmp)
        else:
            _download_to(url, tmp)
        actual = sha256_of(tmp)
        if sha256 and actual != sha256:
            raise ValueError(f"checksum mismatch for {source or url}: expected sha256 {sha256}, got {actual}")
        mnist.load_npz(tmp)  # the layout keras.datasets.mnist uses
    print(f"installed MNIST at {dest}")
    return dest

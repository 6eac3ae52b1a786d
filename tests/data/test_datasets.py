"""Split-file parsers on fake dataset trees in the official formats (tiny real AVI files)."""

import shutil

import pytest

from keras_stvideo.data.datasets import hmdb51, kth, ucf101
from keras_stvideo.data.video_index import VideoIndex
from tests.data.video_files import pattern_video, write_video


@pytest.fixture(scope="module")
def tiny_avi(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("video") / "tiny.avi", pattern_video(6, 16, 16))


def place(tiny_avi, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tiny_avi, path)


def make_ucf101(root, tiny_avi):
    videos, splits = root / "UCF-101", root / "ucfTrainTestlist"
    splits.mkdir(parents=True)
    (splits / "classInd.txt").write_text("1 ApplyEyeMakeup\n2 HandstandPushups\n")
    for cls in ("ApplyEyeMakeup", "HandstandPushups"):
        file_cls = "HandStandPushups" if cls == "HandstandPushups" else cls
        for g in (1, 2, 8):
            place(tiny_avi, videos / cls / f"v_{file_cls}_g{g:02d}_c01.avi")
    for k in (1, 2, 3):
        test_group = k  # groups 1..3 rotate into the test set
        train, test = [], []
        for label, cls in enumerate(("ApplyEyeMakeup", "HandstandPushups"), 1):
            list_cls = "HandStandPushups" if cls == "HandstandPushups" else cls  # the known case mismatch
            for g in (1, 2, 8):
                name = f"{list_cls}/v_{list_cls}_g{g:02d}_c01.avi"
                (test if g == test_group else train).append((name, label))
        (splits / f"trainlist0{k}.txt").write_text("".join(f"{n} {label_id}\n" for n, label_id in train))
        (splits / f"testlist0{k}.txt").write_text("".join(f"{n}\n" for n, _ in test))
    return videos, splits


def test_ucf101_index(tmp_path, tiny_avi):
    videos, splits = make_ucf101(tmp_path, tiny_avi)
    index = ucf101.build_index(videos, splits)
    assert index.class_names == ["ApplyEyeMakeup", "HandstandPushups"]
    assert len(index.entries) == 6
    assert index.counts("split1") == {"train": 4, "test": 2}
    assert index.counts("split3") == {"train": 6}  # group 3 does not exist in this tree: all train
    hand = [e for e in index.entries if "HandStand" in e.path]
    assert {e.label for e in hand} == {1}
    assert all(index.path_of(e).is_file() for e in index.entries)
    saved = index.save(tmp_path / "index.json")
    again = VideoIndex.load(saved)
    assert again.entries == index.entries and again.class_names == index.class_names


def test_ucf101_missing_video_and_bad_files(tmp_path, tiny_avi):
    videos, splits = make_ucf101(tmp_path, tiny_avi)
    (videos / "ApplyEyeMakeup" / "v_ApplyEyeMakeup_g02_c01.avi").unlink()
    with pytest.raises(ValueError, match="not in the dataset folder: ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi"):
        ucf101.build_index(videos, splits)
    assert len(ucf101.build_index(videos, splits, allow_missing=True).entries) == 5
    (splits / "classInd.txt").write_text("one ApplyEyeMakeup\n")
    with pytest.raises(ValueError, match="classInd.txt:1"):
        ucf101.build_index(videos, splits)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        ucf101.build_index(tmp_path / "nowhere", splits)


def make_hmdb51(root, tiny_avi):
    videos, splits = root / "hmdb51", root / "testTrainMulti_7030_splits"
    splits.mkdir(parents=True)
    for cls in ("brush_hair", "cartwheel"):
        names = [f"{cls}_clip{i}.avi" for i in range(3)]
        for name in names:
            place(tiny_avi, videos / cls / name)
        for k in (1, 2, 3):
            codes = {names[0]: 1, names[1]: 2, names[2]: 0} if k == 1 else {names[0]: 2, names[1]: 1, names[2]: 1}
            (splits / f"{cls}_test_split{k}.txt").write_text("".join(f"{n} {c} \n" for n, c in codes.items()))
    return videos, splits


def test_hmdb51_index(tmp_path, tiny_avi):
    videos, splits = make_hmdb51(tmp_path, tiny_avi)
    index = hmdb51.build_index(videos, splits)
    assert index.class_names == ["brush_hair", "cartwheel"]
    assert index.counts("split1") == {"train": 2, "test": 2, "unused": 2}
    assert index.counts("split2") == {"test": 2, "train": 4}
    assert {e.label for e in index.entries if e.path.startswith("cartwheel/")} == {1}


def test_hmdb51_errors(tmp_path, tiny_avi):
    videos, splits = make_hmdb51(tmp_path, tiny_avi)
    saved = (splits / "cartwheel_test_split3.txt").read_text()
    (splits / "cartwheel_test_split3.txt").unlink()
    with pytest.raises(ValueError, match=r"without all three split files.*cartwheel"):
        hmdb51.build_index(videos, splits)
    (splits / "cartwheel_test_split3.txt").write_text(saved)
    (splits / "brush_hair_test_split1.txt").write_text("brush_hair_clip0.avi 7\n")
    with pytest.raises(ValueError, match=r"brush_hair_test_split1.txt:1"):
        hmdb51.build_index(videos, splits)


def make_kth(root, tiny_avi, persons=(1, 2, 11, 19)):
    lines = []
    for person in persons:
        for action in ("boxing", "walking"):
            for scenario in ("d1", "d3"):
                name = f"person{person:02d}_{action}_{scenario}"
                place(tiny_avi, root / action / f"{name}_uncomp.avi")
                lines.append(f"{name}\t\tframes\t1-3, 4-6")
    lines[0] = lines[0].replace(", ", ",")  # the official file has such typos
    (root / "00sequences.txt").write_text("header line\n\n" + "\n".join(lines) + "\n")
    return root


def test_kth_protocols(tmp_path, tiny_avi):
    root = make_kth(tmp_path / "kth", tiny_avi)
    index = kth.build_index(root, root / "00sequences.txt")
    assert len(index.entries) == 4 * 2 * 2 * 2  # two sub-sequences each
    assert {e.frame_range for e in index.entries} == {(0, 3), (3, 6)}
    # KTH1: persons 1, 11, 19 (train + validation) train; person 2 tests.
    assert index.counts("kth1") == {"train": 24, "test": 8}
    assert index.counts("kth2_d1") == {"train": 12, "test": 4, "unused": 16}
    assert index.counts("schuldt") == {"validation": 16, "test": 8, "train": 8}
    assert {e.label for e in index.entries if "walking" in e.path} == {kth.CLASS_NAMES.index("walking")}


def test_kth_bad_sequences_file(tmp_path, tiny_avi):
    root = make_kth(tmp_path / "kth", tiny_avi)
    (root / "00sequences.txt").write_text("person99_flying_d1 frames 1-5\n")
    with pytest.raises(ValueError, match="unexpected sequence name"):
        kth.build_index(root, root / "00sequences.txt")
    (root / "00sequences.txt").write_text("person05_boxing_d1 frames 1-5\n")
    with pytest.raises(ValueError, match="person05_boxing_d1_uncomp.avi"):
        kth.build_index(root, root / "00sequences.txt")


def test_video_tree_lists_and_finds_paths_ignoring_case(tmp_path):
    from keras_stvideo.data.datasets._tree import VideoTree

    for name in ("HandstandPushups/v_a.avi", "Biking/v_b.AVI", "Biking/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    tree = VideoTree(tmp_path)
    assert tree.paths() == ["Biking/v_b.AVI", "HandstandPushups/v_a.avi"] and len(tree) == 2
    assert tree.find("HandStandPushups/v_a.avi") == "HandstandPushups/v_a.avi"
    assert tree.find("Biking/notes.txt") is None

"""Does each paper's idea help? Its central claim against a control, paired by seed (``stvideo claims``).

Each claim trains two arms that differ in one switch of the method's ``stvideo compare`` recipe
(``reproductions/<method>/comparison.py``), on the same generated motion clips (``MotionClips``: the label is
the motion) of each seed, with the same budget, and scores both on the same test clips:

* ST-CSAE (Baccouche et al. 2012): the LSTM on the learned sparse codes against the same LSTM on the raw
  (centred) patches of the same grid, pooled the same way (``train(task, features="raw_patches")``).
* FstCN (Sun et al. 2015): SCI fusion against averaging of the scores of several views per test clip (2 clip
  pairs x 3 shifted crops), both from the *same* trained network (its Table 3); and the two-path network
  against its temporal (TCL) path alone, trained alike (``train(task, paths="tcl")``; Table 2). The spatial
  path alone sees one frame, which holds no motion: on this task it is at chance by construction.
* Shan & Atanasov 2017: STN-LeNet-LSTM (and, when asked, DCN-LeNet-LSTM: ``ATTENTION_ENCODERS``) against
  LeNet-LSTM (``train(task, frame_encoder=...)``); one LeNet arm per seed serves every attention encoder.
* Siamese C3D (Paul et al. 2018): Siamese pre-training on every training clip without labels, then fine-tuning
  on 10% of the labelled clips (the same 10% for both arms), against the same fine-tuning from random weights
  (``train(task, pretrain=False, ...)``).
* TeSNet (Huang & Bors 2020): the learned Temporal Squeeze layer against a frozen one at the block-mean basis,
  i.e. the uniform average of each third of the K frames (TSN-style segment averaging at the same placement,
  D = 3; ``train(task, squeeze="uniform")``).

The verdict (``verdict``): with the per-seed differences ``d_s = method_s - control_s`` (paired: same seed,
same clips), their mean ``m`` and standard error ``se = std(d, ddof=1) / sqrt(n)``, a claim is "supported"
when ``m > 2 se`` and ``m > 0``, "not supported" when ``m < -2 se`` and ``m < 0`` (the control is better),
else "inconclusive" (and always with fewer than 2 seeds).

Example:
    >>> records = run_claims(["tesnet"], seeds=(0, 1, 2))  # doctest: +SKIP
"""

import dataclasses
import math
import time

PAPERS = ("stcsae", "fstcn", "attention_lstm", "siamese_c3d", "tesnet")
VERDICTS = ("supported", "not supported", "inconclusive")
RECORD_FIELDS = ("paper", "claim", "method", "control", "method_accuracy", "control_accuracy", "verdict",
                 "settings")
LABELLED_FRACTION = 0.1  # Siamese C3D: the share of training clips whose labels fine-tuning may read
FSTCN_VIEW_STARTS = "first_last"  # FstCN's test clips per video: the first and the last clip pair
FSTCN_CROP_SHIFTS = ((2, 2), (0, 0), (4, 4))  # crops of a 2-pixel edge-padded frame: centre, up-left, down-right
# FstCN's one-path control: "scl" (the spatial path alone, one frame: cheap, but no motion to see) or "tcl" (the
# temporal path alone, Table 2's other row: the truer test on a motion task, at about the two-path network's cost)
FSTCN_PATHS_CONTROL = "tcl"
# Shan & Atanasov's frame encoders: LeNet (the control) and the attention ones tested against it. DCN-LeNet is left
# out of the default run: at full resolution its offset layers made one arm take over 5 minutes at the size below
# on the shared machine (LeNet's: about 1), more than the 50-minute budget of all claims allowed
ATTENTION_ENCODERS = ("lenet", "stn")


@dataclasses.dataclass(frozen=True)
class ClaimSize:
    """One claim's task and budget (both arms alike): MotionClips of 16 frames of 32 x 32, 6 motions."""

    train_clips: int
    test_clips: int
    epochs: int
    batch_size: int = 16
    frame_size: int = 32
    num_frames: int = 16
    # Siamese C3D only: fine-tuning epochs over the labelled 10% (pre-training keeps the recipe's share of
    # epochs x train_clips mined pairs)
    finetune_epochs: int = 0

    def compare_settings(self, seed):
        from keras_stvideo.reproductions.comparison import CompareSettings

        return CompareSettings(train_clips=self.train_clips, test_clips=self.test_clips, frame_size=self.frame_size,
                               num_frames=self.num_frames, epochs=self.epochs, batch_size=self.batch_size, seed=seed)


# Sized so that all claims with 3 seeds take about 50 minutes on 2 CPU cores shared with several other jobs
# (docs/results/claims.md); ST-CSAE, the cheapest, keeps stvideo compare --quick's size.
SIZES = {
    "stcsae": ClaimSize(train_clips=1200, test_clips=480, epochs=10),
    # FstCN learns slowly (Adam 1e-4 from scratch): at 480 clips x 5 epochs both paths stayed at chance (20.8%,
    # seed 0), so it gets 1,200 clips x 6 epochs (60% of stvideo compare --quick's clip-epochs)
    "fstcn": ClaimSize(train_clips=1200, test_clips=120, epochs=6),
    "attention_lstm": ClaimSize(train_clips=400, test_clips=240, epochs=5),
    # 2,400 clips, so that the labelled 10% (240 clips) is enough to fine-tune above chance (120 clips x 20 epochs
    # stayed at chance, seed 0); 0.25 x 3 x 2,400 = 1,800 mined pairs
    "siamese_c3d": ClaimSize(train_clips=2400, test_clips=240, epochs=3, finetune_epochs=20),
    "tesnet": ClaimSize(train_clips=600, test_clips=240, epochs=6),
}
SMOKE = ClaimSize(train_clips=24, test_clips=12, epochs=1, batch_size=8, finetune_epochs=1)


def paired_difference(method_accuracy, control_accuracy):
    """(mean, standard error) of the per-seed differences method - control; the error is nan for one seed."""
    if len(method_accuracy) != len(control_accuracy) or not method_accuracy:
        raise ValueError(f"need one control accuracy per method accuracy, got {len(method_accuracy)} and "
                         f"{len(control_accuracy)}")
    d = [float(m) - float(c) for m, c in zip(method_accuracy, control_accuracy)]
    n = len(d)
    mean = sum(d) / n
    if n < 2:
        return mean, float("nan")
    variance = sum((x - mean) ** 2 for x in d) / (n - 1)
    return mean, math.sqrt(variance) / math.sqrt(n)


def verdict(method_accuracy, control_accuracy):
    """"supported" (mean difference > 2 standard errors, > 0), "not supported" (< -2 standard errors, < 0: the
    control is better) or "inconclusive", from per-seed paired accuracies."""
    mean, se = paired_difference(method_accuracy, control_accuracy)
    if math.isnan(se):
        return "inconclusive"
    if mean > 0 and mean > 2 * se:
        return "supported"
    if mean < 0 and mean < -2 * se:
        return "not supported"
    return "inconclusive"


def make_record(paper, claim, method, control, method_accuracy, control_accuracy, seeds, settings, seconds,
                notes="", chance=100 / 6):
    """A claims.json record: the fields of ``RECORD_FIELDS`` and the seeds, the paired difference, the time,
    the machine."""
    from keras_stvideo.utils.machine import describe_machine

    mean, se = paired_difference(method_accuracy, control_accuracy)
    machine = describe_machine()
    return {
        "paper": paper, "claim": claim, "method": method, "control": control,
        "method_accuracy": [float(a) for a in method_accuracy],
        "control_accuracy": [float(a) for a in control_accuracy],
        "verdict": verdict(method_accuracy, control_accuracy),
        "settings": settings,
        "seeds": list(seeds),
        "difference_mean": mean,
        "difference_se": None if math.isnan(se) else se,
        "chance": chance,
        "seconds": seconds,
        "cpu": f"{machine['cpu']}, {machine['cores']} cores",
        "machine": machine,
        "notes": notes,
    }


def check_record(record):
    """A ValueError unless ``record`` has the claims.json schema (``RECORD_FIELDS``, a known verdict, paired
    per-seed accuracies in percent)."""
    missing = [field for field in RECORD_FIELDS if field not in record]
    if missing:
        raise ValueError(f"a claim record needs {missing}")
    if record["verdict"] not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, got {record['verdict']!r}")
    method, control = record["method_accuracy"], record["control_accuracy"]
    if not method or len(method) != len(control):
        raise ValueError("method_accuracy and control_accuracy need one value per seed each")
    if not all(0.0 <= float(a) <= 100.0 for a in list(method) + list(control)):
        raise ValueError("accuracies are percentages in [0, 100]")
    if not isinstance(record["settings"], dict):
        raise ValueError("settings must be a dict")
    return record


# ---------------------------------------------------------------------------------------------- helpers
def _accuracy(probabilities, labels):
    import numpy as np

    return 100.0 * float(np.mean(np.asarray(probabilities).argmax(axis=-1) == np.asarray(labels)))


def _train_and_score(train, task, seed, log, key, arm, name, **switch):
    """Seed everything, train one arm (``train(task, **switch)``), score it on the task's test clips and log the
    line; (model, accuracy in %, training seconds)."""
    import keras

    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    model, predict = train(task, **switch)
    seconds = time.perf_counter() - start
    accuracy = _accuracy(predict(task.x_test), task.y_test)
    _log_arm(log, key, seed, arm, name, accuracy, seconds)
    return model, accuracy, seconds


def _log_arm(log, key, seed, arm, name, accuracy, seconds):
    log(f"[{key}] seed {seed} {arm} ({name}): {accuracy:.1f}% ({seconds:.0f} s)")


def _settings(size, seeds, **extra):
    settings = dict(dataclasses.asdict(size), seeds=list(seeds),
                    task="MotionClips: 6 motions, training and test clips from disjoint seeds (seed, 0) / (seed, 1)")
    settings.update(extra)
    return settings


def _tasks(size, seeds):
    from keras_stvideo.reproductions.comparison import make_task

    for seed in seeds:
        yield seed, make_task(size.compare_settings(seed))


# ---------------------------------------------------------------------------------------------- claims
def claim_stcsae(seeds=(0, 1, 2), size=None, log=print):
    """ST-CSAE's sparse codes against the raw patches of the same grid, the same LSTM on both; [record]."""
    from keras_stvideo.reproductions.stcsae import comparison as recipe

    size = SIZES["stcsae"] if size is None else size
    start = time.perf_counter()
    method, control = [], []
    for seed, task in _tasks(size, seeds):
        for arm, features, scores in (("method", "sparse_codes", method), ("control", "raw_patches", control)):
            scores.append(_train_and_score(recipe.train, task, seed, log, "stcsae", arm, features,
                                           features=features)[1])
    return [make_record(
        recipe.PAPER, "An LSTM on the auto-encoder's learned sparse codes classifies better than the same LSTM on "
        "the raw patches of the same grid",
        "ST-CSAE sparse codes + LSTM", "raw centred patches of the same grid + LSTM", method, control, seeds,
        _settings(size, seeds, recipe="reproductions/stcsae/comparison.py (stvideo compare's ST-CSAE)",
                  switch='train(task, features="raw_patches"): a frozen identity encoder (one filter per patch '
                         'voxel, centred), no sparsifying logistic, no stage 1; the same grid, mean pooling over '
                         'the grid per time step, LSTM and LSTM epochs'),
        time.perf_counter() - start)]


def fstcn_view_scores(model, clips, batch_size=16, paths="both"):
    """FstCN's class probabilities for several views of each clip: (N, M clip pairs, C crops, classes).

    The M clip pairs start at the first and the last possible frame; the C crops are ``FSTCN_CROP_SHIFTS`` of
    each frame edge-padded by 2 pixels (the same size as the frame, so no rescaling beyond the recipe's).
    """
    import numpy as np

    from keras_stvideo.reproductions.fstcn import comparison as recipe

    clips = np.asarray(clips, np.float32)
    latest = recipe._latest_start(clips)
    starts = (0, latest) if latest > 0 else (0,)
    height, width = clips.shape[2:4]
    padded = np.pad(clips, ((0, 0), (0, 0), (2, 2), (2, 2), (0, 0)), mode="edge")
    per_start = []
    for start in starts:
        per_crop = []
        for dy, dx in FSTCN_CROP_SHIFTS:
            crop = padded[:, :, dy : dy + height, dx : dx + width]
            inputs = recipe.model_inputs(recipe.clip_pairs(crop, np.full(len(clips), start)), paths)
            per_crop.append(model.predict(inputs, batch_size=batch_size, verbose=0))
        per_start.append(np.stack(per_crop, axis=1))  # (N, C, classes)
    return np.stack(per_start, axis=1)  # (N, M, C, classes)


def claim_fstcn(seeds=(0, 1, 2), size=None, log=print):
    """FstCN: SCI fusion against averaging (one network, several views per clip), and the two paths against the
    temporal path alone; [sci record, paths record]."""
    import numpy as np

    from keras_stvideo.inference.fusion import average_fusion, sci_fusion
    from keras_stvideo.reproductions.fstcn import comparison as recipe

    size = SIZES["fstcn"] if size is None else size
    sci, average, both, tcl = [], [], [], []
    fusion_seconds = paths_seconds = 0.0
    for seed, task in _tasks(size, seeds):
        arm_start = time.perf_counter()
        model, accuracy, seconds = _train_and_score(recipe.train, task, seed, log, "fstcn paths", "method",
                                                    "both paths, middle clip pair")
        both.append(accuracy)
        views = fstcn_view_scores(model, task.x_test, task.batch_size)
        sci.append(_accuracy(np.stack([sci_fusion(v) for v in views]), task.y_test))
        average.append(_accuracy(np.stack([average_fusion(v) for v in views]), task.y_test))
        view_seconds = time.perf_counter() - arm_start
        _log_arm(log, "fstcn fusion", seed, "method", "SCI fusion", sci[-1], view_seconds)
        _log_arm(log, "fstcn fusion", seed, "control", "average fusion, same network", average[-1], view_seconds)
        fusion_seconds += view_seconds
        paths_seconds += seconds
        _, accuracy, seconds = _train_and_score(recipe.train, task, seed, log, "fstcn paths", "control",
                                                f"{FSTCN_PATHS_CONTROL.upper()} path alone, middle clip pair",
                                                paths=FSTCN_PATHS_CONTROL)
        tcl.append(accuracy)
        paths_seconds += seconds
    recipe_name = "reproductions/fstcn/comparison.py (stvideo compare's FstCN)"
    views = (f"{2} clip pairs (the first and the last start) x {len(FSTCN_CROP_SHIFTS)} crops (shifts "
             f"{list(FSTCN_CROP_SHIFTS)} of a 2-pixel edge-padded frame) per test clip")
    return [
        make_record(recipe.PAPER, "SCI fusion of the scores of several views of a clip (Eqs. 5-7) beats averaging "
                    "them (Table 3)", "SCI fusion", "average fusion", sci, average, seeds,
                    _settings(size, seeds, recipe=recipe_name, views=views,
                              switch="the fusion of one trained two-path network's view scores: sci_fusion "
                                     "(SCI-weighted mean over the crops, then max over the clip pairs) or "
                                     "average_fusion (mean over all views)"),
                    fusion_seconds, notes="both arms score the same trained network (one training per seed)"),
        make_record(recipe.PAPER, f"The two-path network (spatial SCL + temporal TCL paths) beats its "
                    f"{'spatial' if FSTCN_PATHS_CONTROL == 'scl' else 'temporal'} path alone (Table 2)",
                    "FstCN, both paths", f"{FSTCN_PATHS_CONTROL.upper()} path alone", both, tcl, seeds,
                    _settings(size, seeds, recipe=recipe_name, test="the middle clip pair, one view (the recipe's)",
                              switch=f'train(task, paths="{FSTCN_PATHS_CONTROL}"): build_fstcn(paths='
                                     f'"{FSTCN_PATHS_CONTROL}"), '
                                     + ("V_clip's middle frame only" if FSTCN_PATHS_CONTROL == "scl" else
                                        "V_diff only")
                                     + ", the same lower SCLs, FC sizes, optimiser, epochs and clip-pair sampling"),
                    paths_seconds,
                    notes=("the spatial path alone sees one frame, which holds no motion: on this task it can only "
                           "be at chance, so this tests that the network uses its temporal path, not that the two "
                           "paths complement each other (the temporal path alone, FSTCN_PATHS_CONTROL = 'tcl', is "
                           "that test, at about twice FstCN's cost)") if FSTCN_PATHS_CONTROL == "scl" else
                          "the temporal path alone, trained alike"),
    ]


def claim_attention_lstm(seeds=(0, 1, 2), size=None, log=print, encoders=None):
    """Shan & Atanasov 2017: the attention frame encoders (``encoders``, default ``ATTENTION_ENCODERS``: STN-LeNet;
    "dcn" for DCN-LeNet) against LeNet's, the same LSTM; a record per attention encoder."""
    from keras_stvideo.reproductions.attention_lstm import comparison as recipe

    size = SIZES["attention_lstm"] if size is None else size
    start = time.perf_counter()
    encoders = ("lenet",) + tuple(e for e in (ATTENTION_ENCODERS if encoders is None else encoders) if e != "lenet")
    scores = {encoder: [] for encoder in encoders}
    seconds = {encoder: 0.0 for encoder in encoders}
    for seed, task in _tasks(size, seeds):
        for encoder in encoders:
            _, accuracy, arm_seconds = _train_and_score(
                recipe.train, task, seed, log, "attention_lstm", "control" if encoder == "lenet" else "method",
                {"lenet": "LeNet", "dcn": "DCN-LeNet", "stn": "STN-LeNet"}[encoder] + "-LSTM", frame_encoder=encoder)
            scores[encoder].append(accuracy)
            seconds[encoder] += arm_seconds
    total = time.perf_counter() - start
    recipe_name = "reproductions/attention_lstm/comparison.py (stvideo compare's LeNet-LSTM)"
    records = []
    for encoder, name, layer in (("dcn", "DCN-LeNet-LSTM", "deformable (offset) layers in place of max-pooling"),
                                 ("stn", "STN-LeNet-LSTM", "a spatial transformer before conv1 (output half the "
                                  "frame's side, as the paper's 32 x 32 from 64 x 64), no pooling")):
        if encoder not in encoders:
            continue
        records.append(make_record(
            recipe.PAPER, f"An attention frame encoder ({name.split('-')[0]}: {layer}) beats plain LeNet under the "
            "same LSTM", name, "LeNet-LSTM", scores[encoder], scores["lenet"], seeds,
            _settings(size, seeds, recipe=recipe_name,
                      switch=f'train(task, frame_encoder="{encoder}") against frame_encoder="lenet": the frame CNN '
                             "only; the same frames and frame differences, global max pooling over the last conv's "
                             "maps, fc(500), LSTM, optimiser and epochs"),
            seconds[encoder] + seconds["lenet"],
            notes=f"all arms ({', '.join(encoders)}; one LeNet arm per seed serves every attention encoder) took "
                  f"{total:.0f} s"))
    return records


def claim_siamese_c3d(seeds=(0, 1, 2), size=None, log=print):
    """Siamese C3D pre-training on all clips without labels against random weights, both fine-tuned on the same
    10% of the labels; [record]."""
    import numpy as np

    from keras_stvideo.reproductions.siamese_c3d import comparison as recipe

    size = SIZES["siamese_c3d"] if size is None else size
    start = time.perf_counter()
    method, control = [], []
    labelled_counts = []
    for seed, task in _tasks(size, seeds):
        count = max(task.batch_size, int(round(LABELLED_FRACTION * len(task.x_train))))
        labelled = np.sort(np.random.default_rng(seed).permutation(len(task.x_train))[:count])
        labelled_counts.append(int(count))
        volumes = max(1, size.finetune_epochs) * count
        for arm, pretrain, scores in (("method", True, method), ("control", False, control)):
            scores.append(_train_and_score(recipe.train, task, seed, log, "siamese_c3d", arm,
                                           "Siamese pre-training" if pretrain else "random init", pretrain=pretrain,
                                           labelled=labelled, finetune_volumes=volumes)[1])
    return [make_record(
        recipe.PAPER, "Unsupervised Siamese pre-training on the unlabelled training clips helps fine-tuning on few "
        "labels (10%)", "Siamese pre-training, then fine-tuning", "random init, the same fine-tuning", method,
        control, seeds,
        _settings(size, seeds, recipe="reproductions/siamese_c3d/comparison.py (stvideo compare's Siamese C3D)",
                  labelled_clips=labelled_counts,
                  pretraining=f"{recipe.PRETRAIN_SHARE:g} x epochs x train_clips mined pairs from every training "
                              "clip, labels unread (the recipe's stage 1)",
                  finetuning=f"{size.finetune_epochs} epochs over the labelled {LABELLED_FRACTION:.0%} (the same "
                             "clips for both arms, drawn from the seed)",
                  switch="train(task, pretrain=False, ...): the C3D classifier starts from a fresh tower (random "
                         "weights) instead of the pre-trained one; the same labelled clips, volumes and rate"),
        time.perf_counter() - start)]


def claim_tesnet(seeds=(0, 1, 2), size=None, log=print):
    """TeSNet's learned Temporal Squeeze against a fixed uniform average of each third of the K frames; [record]."""
    from keras_stvideo.reproductions.tesnet import comparison as recipe

    size = SIZES["tesnet"] if size is None else size
    start = time.perf_counter()
    method, control = [], []
    for seed, task in _tasks(size, seeds):
        for arm, squeeze, scores in (("method", "learned", method), ("control", "uniform", control)):
            scores.append(_train_and_score(recipe.train, task, seed, log, "tesnet", arm, f"{squeeze} squeeze",
                                           squeeze=squeeze)[1])
    return [make_record(
        recipe.PAPER, "Learned Temporal Squeeze pooling of the K frames beats uniform averaging (TSN-style) at the "
        "same placement", "TS layer (learned, D = 3)", "uniform average of each third of the K frames (D = 3)",
        method, control, seeds,
        _settings(size, seeds, recipe="reproductions/tesnet/comparison.py (stvideo compare's TeSNet)",
                  switch='train(task, squeeze="uniform"): the TS layer starts at the block-mean basis and is frozen '
                         "(its A is then the block indicator, so its output is the mean of each third of the "
                         "frames, and its projection loss is a constant); the same backbone, consensus, optimiser "
                         "and epochs"),
        time.perf_counter() - start)]


CLAIMS = {
    "stcsae": claim_stcsae,
    "fstcn": claim_fstcn,
    "attention_lstm": claim_attention_lstm,
    "siamese_c3d": claim_siamese_c3d,
    "tesnet": claim_tesnet,
}


def run_claims(papers=PAPERS, seeds=(0, 1, 2), smoke=False, log=print, attention_encoders=None):
    """The records of ``papers``' claims (in ``PAPERS`` order); ``smoke``: tiny sizes (wiring only);
    ``attention_encoders``: Shan & Atanasov's attention encoders to test (default ``ATTENTION_ENCODERS``)."""
    unknown = [p for p in papers if p not in CLAIMS]
    if unknown:
        raise ValueError(f"papers must be among {PAPERS}, got {unknown!r}")
    records = []
    for paper in [p for p in PAPERS if p in papers]:
        size = SMOKE if smoke else SIZES[paper]
        log(f"[{paper}] {size.train_clips} training and {size.test_clips} test clips, {size.epochs} epoch(s), "
            f"seeds {', '.join(map(str, seeds))}")
        extra = {"encoders": attention_encoders} if paper == "attention_lstm" and attention_encoders else {}
        records.extend(CLAIMS[paper](seeds=tuple(seeds), size=size, log=log, **extra))
    return records


def claim_records(paper, path=None):
    """The records of ``paper`` (e.g. "Sun et al. 2015") in ``path``, by default the repository's
    docs/results/claims.json; None when the file or the paper's record is absent (the notebooks show them)."""
    import json
    import pathlib

    path = pathlib.Path(path) if path is not None else (
        pathlib.Path(__file__).resolve().parents[2] / "docs" / "results" / "claims.json")
    if not path.is_file():
        return None
    records = json.loads(path.read_text())
    return [record for record in records if record.get("paper") == paper] or None


def _key(record):
    return record["paper"], record["method"], record["control"]


def merge_claims(previous, records):
    """``previous`` records with those of the same (paper, method, control) replaced by ``records``, in paper
    order."""
    fresh = {_key(r): r for r in records}
    merged = [fresh.pop(_key(r), r) for r in previous]
    return merged + list(fresh.values())


def _spread(values):
    import numpy as np

    values = np.asarray(values, float)
    return f"{values.mean():.1f} ± {values.std(ddof=1) if len(values) > 1 else 0.0:.1f}"


def markdown_table(records):
    """One row per claim: the arms' mean ± sd and per-seed accuracies, the paired difference, the verdict."""
    lines = ["| paper | method | control | method accuracy (%) | control accuracy (%) | difference (points, "
             "± se) | verdict |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in records:
        se = r.get("difference_se")
        lines.append(
            f"| {r['paper']} | {r['method']} | {r['control']} | {_spread(r['method_accuracy'])} "
            f"({', '.join(f'{a:.1f}' for a in r['method_accuracy'])}) | {_spread(r['control_accuracy'])} "
            f"({', '.join(f'{a:.1f}' for a in r['control_accuracy'])}) | {r['difference_mean']:+.1f}"
            f"{'' if se is None else f' ± {se:.1f}'} | {r['verdict']} |")
    return "\n".join(lines)


def markdown_details(records):
    """Per claim: what was compared, the switch, the settings, the time and CPU."""
    parts = []
    for r in records:
        s = r["settings"]
        parts.append("\n".join([
            f"### {r['paper']}: {r['method']} against {r['control']}", "",
            f"Claim: {r['claim']}. Verdict: **{r['verdict']}** (seeds {', '.join(map(str, r['seeds']))}; mean "
            f"paired difference {r['difference_mean']:+.1f} points"
            + ("" if r.get("difference_se") is None else f", standard error {r['difference_se']:.1f}") + ").", "",
            f"- switch: {s.get('switch', '')}",
            f"- task: {s.get('train_clips')} training and {s.get('test_clips')} test clips of "
            f"{s.get('num_frames')} frames of {s.get('frame_size')} x {s.get('frame_size')}, {s.get('epochs')} "
            f"epoch(s), batch {s.get('batch_size')} (chance {r.get('chance', 100 / 6):.1f}%)",
            *[f"- {key.replace('_', ' ')}: {value}" for key, value in s.items()
              if key in ("recipe", "views", "test", "pretraining", "finetuning", "labelled_clips")],
            f"- time: {r['seconds'] / 60:.1f} minutes on {r['cpu']}"
            + (f"; {r['notes']}" if r.get("notes") else ""),
        ]))
    return "\n\n".join(parts)


def claims_chart(records, path):
    """A panel per claim: the two arms' mean accuracy as bars, each seed's pair of accuracies as joined dots,
    a dashed line at chance; written atomically to ``path`` (PNG). Returns ``path``."""

    import numpy as np

    from keras_stvideo.plots import pyplot, save_figure

    plt = pyplot()
    count = max(1, len(records))
    columns = min(count, 4)
    rows = -(-count // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(2.6 * columns, 3.4 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(records):
            ax.axis("off")
            continue
        r = records[index]
        arms = (r["method_accuracy"], r["control_accuracy"])
        ax.bar([0, 1], [np.mean(a) for a in arms], color=["C0", "0.7"])
        for m, c in zip(*arms):
            ax.plot([0, 1], [m, c], "-o", color="k", markersize=3, linewidth=0.6)
        ax.axhline(r.get("chance", 100 / 6), color="C3", linestyle="--", linewidth=0.8)
        ax.set_xticks([0, 1], ["method", "control"])
        ax.set_ylim(0, 100)
        ax.set_title(f"{r['paper']}\n{r['method'][:28]}\nvs {r['control'][:28]}\n{r['verdict']}", fontsize=7)
        if index % columns == 0:
            ax.set_ylabel("test accuracy (%)")
    figure.tight_layout()
    return save_figure(figure, path)


def save_claims(records, out_dir, header=""):
    """Write claims.json (the list of records), claims.md (the table and each claim's details) and claims.png
    into ``out_dir``; return their paths."""
    import pathlib

    from keras_stvideo.utils.results import write_results

    for record in records:
        check_record(record)
    markdown = ("# Do the papers' ideas help? Each central claim against its control\n\n"
                + (header + "\n\n" if header else "")
                + "Supported: the mean paired (same seed, same clips) difference method - control exceeds twice its "
                  "standard error; not supported: it is below minus twice its standard error; else inconclusive.\n\n"
                + markdown_table(records) + "\n\n" + markdown_details(records) + "\n")
    json_path, md_path = write_results(out_dir, records, markdown, stem="claims")
    png_path = claims_chart(records, pathlib.Path(out_dir) / "claims.png")
    return json_path, md_path, png_path

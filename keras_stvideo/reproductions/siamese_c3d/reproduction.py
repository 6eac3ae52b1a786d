"""``stvideo reproduce siamese-c3d``: Paul et al. 2018's Table 1 (and Table 3 with ASLAN) beside the measured one.

Cheap to import: the experiment (``experiment.py``) loads Keras when the run starts.
"""

import dataclasses
from keras_stvideo.reproductions import positive_integer_options

DESCRIPTION = (
    "Reproduce Paul, Roy & Roy-Chowdhury 2018 (Siamese C3D). Train the Siamese C3D without labels on pairs "
    "mined from UCF101's training videos (Algorithm 1, Eq. 2), fine-tune a C3D classifier on HMDB51 and UCF101 "
    "from its tower and from random initialisation (Table 1), and, given an ASLAN pairs file, score ASLAN "
    "same/not-same with both towers (Table 3). --quick runs the whole pipeline on generated motion clips in "
    "about 5 minutes. Resumable: the same command run again continues after the last finished step. Writes "
    "results.json and results.md."
)


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="generated motion clips (16 frames of 32x32) and stvideo compare's narrow C3D recipe "
                             "(about 5 minutes on 2 CPU cores)")
    parser.add_argument("--ucf101", default=None, help="UCF101 index.json (stvideo data fetch ucf101)")
    parser.add_argument("--hmdb51", default=None, help="HMDB51 index.json (stvideo data fetch hmdb51)")
    parser.add_argument("--aslan", default=None, help="ASLAN pairs JSON (data_scripts/aslan.py)")
    parser.add_argument("--split", default=None, help="official split to use (default split1)")
    parser.add_argument("--epochs", type=int, default=None, help="unsupervised epochs (not stated in the paper)")
    parser.add_argument("--batches-per-epoch", type=int, default=None, help="mined batches per epoch")
    parser.add_argument("--finetune-epochs", type=int, default=None, help="fine-tuning epochs (not stated)")
    parser.add_argument("--transform-on", choices=("both", "negative", "positive", "none"), default=None,
                        help="pairs whose second volume gets F: 'both' (section 2, default) or 'negative' "
                             "(Algorithm 1 as printed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/reproduce_siamese_c3d", help="output folder (also the resume state)")


def settings_from_args(args):
    """One ``SiameseSettings`` from the parsed options; a ValueError names a bad option."""
    from keras_stvideo.reproductions.siamese_c3d.experiment import SiameseSettings

    settings = SiameseSettings.quick() if args.quick else SiameseSettings()
    changes = positive_integer_options(args, {"pretrain_epochs": "--epochs",
                                              "batches_per_epoch": "--batches-per-epoch",
                                              "finetune_epochs": "--finetune-epochs"})
    if args.transform_on is not None:
        changes["transform_on"] = args.transform_on
    if args.split is not None:
        changes["split"] = args.split
    return dataclasses.replace(settings, **changes)


def check_aslan_file(path):
    """Open and parse the --aslan pairs file before any training; a bad one is one line naming the option and file."""
    from keras_stvideo.models.siamese_c3d.aslan import load_pairs
    from keras_stvideo.utils.paths import PathError, check_input_file

    check_input_file(path, "--aslan", what="ASLAN pairs file")
    try:
        root, folds = load_pairs(path)
    except Exception as error:  # noqa: BLE001 - JSONDecodeError, UnicodeDecodeError, ValueError of the checks
        message = " ".join(str(error).split())[:200]
        raise PathError(f"--aslan {path}: not a usable ASLAN pairs file ({message})") from None
    if not root.is_dir():
        raise PathError(f"--aslan {path}: its video folder {root} does not exist")
    for number, fold in enumerate(folds, 1):
        if {same for _, _, same in fold} != {0, 1}:
            raise PathError(f"--aslan {path}: fold {number} must hold both same (1) and not-same (0) pairs")
    missing = next((root / v for fold in folds for a, b, _ in fold for v in (a, b) if not (root / v).is_file()), None)
    if missing is not None:
        raise PathError(f"--aslan {path}: the video {missing} is missing or not a regular file")
    return root, folds


def run(args):
    from keras_stvideo.reproductions.siamese_c3d import experiment

    from keras_stvideo.commands._common import load_video_index
    from keras_stvideo.utils.paths import check_output_folder

    settings = settings_from_args(args)
    out = check_output_folder(args.out, "--out")
    for option in ("ucf101", "hmdb51"):  # opened and parsed now, not after training
        if getattr(args, option) is not None:
            load_video_index(getattr(args, option), f"--{option}")
    if args.aslan is not None:
        check_aslan_file(args.aslan)
    if not args.quick and args.ucf101 is None:
        raise ValueError("give --ucf101 INDEX (and optionally --hmdb51, --aslan), or --quick")
    ucf101, hmdb51, aslan, note = args.ucf101, args.hmdb51, args.aslan, ""
    if args.quick and ucf101 is None:
        data = experiment.QUICK_DATA
        print("[data] generating MotionClips (two datasets standing in for UCF101 and HMDB51: "
              f"{data['ucf101']['videos_per_class']} and {data['hmdb51']['videos_per_class']} videos per class)")

        def generate(name, seed):
            spec = data[name]
            return experiment.generate_clip_dataset(out / "data" / f"{name}_like", num_classes=len(spec["motions"]),
                                                    videos_per_class=spec["videos_per_class"],
                                                    num_frames=data["num_frames"], size=data["size"], seed=seed,
                                                    motions=spec["motions"], **spec.get("clips", {}))

        ucf101 = generate("ucf101", args.seed)
        hmdb51 = hmdb51 or generate("hmdb51", args.seed + 100)
        if aslan is None:
            aslan = experiment.generate_aslan_pairs(ucf101, out / "data" / "aslan_like.json", seed=args.seed,
                                                    split=settings.split, role="test", **data["aslan"])
        note = ("--quick: generated MotionClips (class = the motion), not UCF101/HMDB51/ASLAN; the "
                "numbers test the pipeline and are not comparable with the paper's.")
    results = experiment.run_experiments(settings, out, ucf101=ucf101, hmdb51=hmdb51, aslan=aslan, seed=args.seed)
    print()
    print(experiment.markdown_tables(results))
    json_path, md_path = experiment.save_results(results, out, settings, args.seed, note)
    print(f"wrote {json_path} and {md_path}")
    return 0

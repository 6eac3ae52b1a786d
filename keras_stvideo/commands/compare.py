"""``stvideo compare``: the five methods on one generated motion task, one table."""

from keras_stvideo.reproductions.comparison import METHODS


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "compare",
        help="train every method on the same generated motion clips and print one table",
        description=(
            "Train each of the five methods at a reduced size on the same generated motion clips (the label is "
            "the motion), under the same budget, and print accuracy, parameters, training time and inference "
            "clips/s. Writes comparison.json and comparison.md."
        ),
    )
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=tuple(METHODS))
    parser.add_argument("--quick", action="store_true",
                        help="1,200 training / 480 test clips of 16 x 32 x 32, 10 epochs (20-30 minutes on 2 cores)")
    parser.add_argument("--smoke", action="store_true", help="tiny clips and one epoch: checks the wiring only")
    parser.add_argument("--train-clips", type=int, default=None)
    parser.add_argument("--test-clips", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None, help="one seed (default 0)")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="several seeds, e.g. 0 1 2: each draws its own clips; the table shows mean and spread")
    parser.add_argument("--validation", action="store_true",
                        help="score on the last fifth of the training clips instead of the test clips (to choose "
                             "settings without seeing the test clips)")
    parser.add_argument("--out", default="out/compare", help="output folder")
    parser.add_argument("--merge", default=None, metavar="JSON",
                        help="a comparison.json of the same settings: write it with the rows of --methods replaced "
                             "by this run's (rerun only the methods that changed)")
    parser.set_defaults(func=run)
    return parser


def settings_from_args(args):
    """One ``CompareSettings`` from the options; a ValueError names a bad one."""
    import dataclasses

    from keras_stvideo.reproductions.comparison import CompareSettings

    if args.quick and args.smoke:
        raise ValueError("--quick and --smoke exclude each other")
    if args.seed is not None and args.seeds is not None:
        raise ValueError("--seed and --seeds exclude each other")
    settings = CompareSettings.smoke() if args.smoke else CompareSettings.quick() if args.quick else CompareSettings()
    changes = {key: getattr(args, key) for key in ("train_clips", "test_clips", "epochs")
               if getattr(args, key) is not None}
    return dataclasses.replace(settings, seed=seeds_from_args(args)[0], validation=args.validation, **changes)


def seeds_from_args(args):
    """The seeds to run: ``--seeds``, else ``--seed``, else 0."""
    if args.seeds is not None:
        return tuple(args.seeds)
    return (0,) if args.seed is None else (args.seed,)


def check_args(args):
    """Reject bad counts, an unusable --out and a missing --merge file before any method trains."""
    from keras_stvideo.commands._common import load_json_file
    from keras_stvideo.utils.paths import check_output_folder

    for option in ("--train-clips", "--test-clips", "--epochs"):
        value = getattr(args, option[2:].replace("-", "_"))
        if value is not None and value < 1:
            raise ValueError(f"{option} must be positive, got {value}")
    for seed in seeds_from_args(args):
        if seed < 0:
            raise ValueError(f"--seed and --seeds take non-negative integers, got {seed}")
    if args.seeds is not None and len(set(args.seeds)) != len(args.seeds):
        raise ValueError(f"--seeds must be distinct, got {args.seeds}")
    check_output_folder(args.out, "--out")
    if args.merge is not None:
        check_merge_payload(load_json_file(args.merge, "--merge", what="comparison.json"), args.merge)


def check_merge_payload(payload, path):
    """A comparison.json payload must hold settings, seconds and rows of methods: else a ValueError naming --merge
    and the file (before any method trains, not when the table is merged after training)."""
    import numbers

    def bad(reason):
        return ValueError(f"--merge {path}: not a comparison.json written by stvideo compare ({reason})")

    if not isinstance(payload, dict):
        raise bad(f"a JSON {type(payload).__name__}, not an object")
    for key, kind, name in (("settings", dict, "an object"), ("rows", list, "a list"),
                            ("seconds", numbers.Real, "a number")):
        if not isinstance(payload.get(key), kind) or isinstance(payload.get(key), bool):
            raise bad(f"'{key}' missing or not {name}")
    for number, row in enumerate(payload["rows"], 1):
        if not isinstance(row, dict) or not isinstance(row.get("method"), str):
            raise bad(f"row {number} is not an object with a 'method'")
        if "seed" in row and (isinstance(row["seed"], bool) or not isinstance(row["seed"], int)):
            raise bad(f"row {number} has a seed that is not an integer")
    if not isinstance(payload.get("reruns", []), list):
        raise bad("'reruns' is not a list")


def run(args):
    import time

    check_args(args)

    from keras_stvideo.commands._common import check_memory, load_json_file
    from keras_stvideo.reproductions.comparison import (
        check_same_settings, markdown_table, merge_comparison, run_comparison, save_comparison,
    )

    settings = settings_from_args(args)
    # The clips are held in memory as float32 (frames x side x side x 3), training and test sets together.
    clip_bytes = settings.num_frames * settings.frame_size**2 * 3 * 4
    check_memory(2 * (settings.train_clips + settings.test_clips) * clip_bytes, "the generated clips",
                 "--train-clips or --test-clips")
    previous = None
    if args.merge is not None:
        previous = load_json_file(args.merge, "--merge", what="comparison.json")
        check_same_settings(previous, settings)  # before any method trains
    start = time.perf_counter()
    rows = run_comparison(settings, methods=tuple(args.methods), seeds=seeds_from_args(args))
    seconds = time.perf_counter() - start
    reruns = ()
    if previous is not None:
        merged = merge_comparison(previous, rows, settings, seconds)
        rows, seconds, reruns = merged["rows"], merged["seconds"], merged["reruns"]
    print()
    print(markdown_table(rows, settings))
    json_path, md_path = save_comparison(rows, settings, args.out, seconds, reruns=reruns)
    print(f"\n{seconds / 60:.1f} minutes; wrote {json_path}, {md_path} and the bar chart comparison.png beside them")
    return 0

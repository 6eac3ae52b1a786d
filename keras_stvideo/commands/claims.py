"""``stvideo claims``: each paper's central claim against its control, paired by seed, with a verdict."""

from keras_stvideo.reproductions.claims import PAPERS


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "claims",
        help="test each paper's central claim against its control (same clips, same budget, several seeds)",
        description=(
            "For each paper, train its method and a control that differs in one switch of the method's "
            "stvideo compare recipe, on the same generated motion clips and budget, for each seed; a claim is "
            "supported when the mean paired difference exceeds twice its standard error. Writes claims.json, "
            "claims.md and claims.png into --out."
        ),
    )
    parser.add_argument("--paper", dest="papers", nargs="+", default=list(PAPERS), choices=PAPERS,
                        help="the papers whose claims to test (default: all five)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="seeds (default 0 1 2): each draws its own clips; both arms share them")
    parser.add_argument("--attention-encoders", nargs="+", default=None, choices=("stn", "dcn"),
                        help="Shan & Atanasov's attention frame encoders to test against LeNet (default: stn; dcn "
                             "costs about 5x LeNet's time)")
    parser.add_argument("--smoke", action="store_true", help="tiny clips and one epoch: checks the wiring only")
    parser.add_argument("--out", default="out/claims", help="output folder")
    parser.add_argument("--merge", default=None, metavar="JSON",
                        help="an earlier claims.json: write it with the claims of --paper replaced by this run's")
    parser.set_defaults(func=run)
    return parser


def check_args(args):
    """Reject repeated seeds, an unusable --out and a missing --merge file before anything trains."""
    import os

    from keras_stvideo.utils.paths import check_output_folder

    if len(set(args.seeds)) != len(args.seeds):
        raise ValueError(f"--seeds must be distinct, got {args.seeds}")
    check_output_folder(args.out, "--out")
    if args.merge is not None and not os.path.isfile(args.merge):
        raise ValueError(f"--merge must be an existing claims.json, got {args.merge!r}")


def run(args):
    import json
    import time

    check_args(args)

    from keras_stvideo.reproductions.claims import check_record, markdown_table, merge_claims, run_claims, save_claims

    previous = None
    if args.merge is not None:
        with open(args.merge) as file:
            previous = json.load(file)
        if not isinstance(previous, list):
            raise ValueError(f"--merge must hold a list of claim records, got {type(previous).__name__}")
        for record in previous:
            check_record(record)
    start = time.perf_counter()
    records = run_claims(tuple(args.papers), seeds=tuple(args.seeds), smoke=args.smoke,
                         attention_encoders=args.attention_encoders)
    seconds = time.perf_counter() - start
    if previous is not None:
        records = merge_claims(previous, records)
    print()
    print(markdown_table(records))
    paths = save_claims(records, args.out)
    print(f"\n{seconds / 60:.1f} minutes; wrote {', '.join(map(str, paths))}")
    return 0

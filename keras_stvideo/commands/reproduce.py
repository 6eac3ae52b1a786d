"""``stvideo reproduce shan2017``: the paper's Table I beside the measured one."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "reproduce",
        help="reproduce a paper's experiment and print it beside the paper's table",
        description=(
            "Reproduce Shan & Atanasov 2017 (Table I and the digit-gesture experiment): pre-train each frame "
            "CNN on Scaled MNIST, train an LSTM on its frozen features for every Moving MNIST variant, and "
            "report test cross-entropy and accuracy under the paper's protocol (train and test digits from "
            "the MNIST training set) and a clean one (unseen test digits). Writes results.json and results.md."
        ),
    )
    parser.add_argument("paper", choices=("shan2017",), help="which paper to reproduce")
    parser.add_argument("--quick", action="store_true", help="a reduced run (a few minutes on 2 CPU cores)")
    parser.add_argument("--models", nargs="+", default=["lenet", "dcn"], choices=("lenet", "stn", "dcn"))
    parser.add_argument("--variants", nargs="+", default=None,
                        choices=("normal", "rotation", "scaling", "rotation_scaling", "elastic"),
                        help="Moving MNIST variants (default: all five)")
    parser.add_argument("--protocols", nargs="+", default=["paper", "clean"], choices=("paper", "clean"))
    parser.add_argument("--epochs", type=int, default=None, help="LSTM epochs (paper: 10)")
    parser.add_argument("--pretrain-epochs", type=int, default=None, help="stage-1 epochs (not stated; default 1)")
    parser.add_argument("--pretrain-samples", type=int, default=None, help="stage-1 digits (default: all)")
    parser.add_argument("--pretrain-batch-size", type=int, default=None, help="stage-1 batch (not stated; default 128)")
    parser.add_argument("--lstm-units", type=int, default=None, help="LSTM output size (paper: 8)")
    parser.add_argument("--fine-tune", action="store_true", help="train CNN and LSTM end to end in stage 2")
    parser.add_argument("--learning-rate", type=float, default=None, help="stage-2 RMSProp learning rate (paper: 1e-3)")
    parser.add_argument("--train-videos", type=int, default=None,
                        help="training videos with random labels instead of the paper's 10 per class")
    parser.add_argument("--fresh-videos", action="store_true",
                        help="with --fine-tune and --train-videos N: N new training videos every epoch")
    parser.add_argument("--label-order", choices=("drawn", "sorted"), default=None,
                        help="'drawn' (paper: y = d_m d_n, at most 55%% on unseen videos) or 'sorted' (d_m <= d_n)")
    parser.add_argument("--lr-schedule", choices=("constant", "cosine"), default=None,
                        help="stage-2 learning rate: constant (paper) or cosine decay to 0 over --epochs")
    parser.add_argument("--mixed-precision", action="store_true",
                        help="train in bfloat16 mixed precision (about 1.6x faster on CPUs with AVX512-BF16)")
    parser.add_argument("--save-models", action="store_true",
                        help="also save each trained video model as .keras in the output folder")
    parser.add_argument("--init-model", default=None,
                        help="continue training this video model (.keras, e.g. from --save-models) in stage 2 "
                             "instead of pre-training and training a new one; --models must name its frame CNN")
    parser.add_argument("--backup-dir", default=None,
                        help="keep the training state here after every epoch; the same command run again resumes "
                             "an interrupted run from its last finished epoch (removed once the results are written)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist", default=None, help="MNIST .npz (keras.datasets.mnist layout)")
    parser.add_argument("--out", default="out/reproduce_shan2017", help="output folder")
    parser.set_defaults(func=run)
    return parser


def run(args):
    import dataclasses
    import shutil

    from keras_stvideo.data.moving_mnist import VARIANTS
    from keras_stvideo.experiments import shan2017

    settings = shan2017.ReproductionSettings.quick() if args.quick else shan2017.ReproductionSettings()
    overrides = {  # setting -> (command-line option, value)
        "lstm_epochs": ("--epochs", args.epochs),
        "pretrain_epochs": ("--pretrain-epochs", args.pretrain_epochs),
        "pretrain_samples": ("--pretrain-samples", args.pretrain_samples),
        "pretrain_batch_size": ("--pretrain-batch-size", args.pretrain_batch_size),
        "lstm_units": ("--lstm-units", args.lstm_units),
        "train_videos": ("--train-videos", args.train_videos),
    }
    for key, (option, value) in overrides.items():
        if value is not None:
            if value < 1:
                raise ValueError(f"{option} must be positive, got {value}")
            settings = dataclasses.replace(settings, **{key: value})
    if args.learning_rate is not None:
        if not args.learning_rate > 0:
            raise ValueError(f"--learning-rate must be positive, got {args.learning_rate}")
        settings = dataclasses.replace(settings, lstm_learning_rate=args.learning_rate)
    if args.label_order is not None:
        settings = dataclasses.replace(settings, label_order=args.label_order)
    if args.lr_schedule is not None:
        settings = dataclasses.replace(settings, lr_schedule=args.lr_schedule)
    if args.mixed_precision:
        settings = dataclasses.replace(settings, mixed_precision=True)
    if args.fine_tune:
        settings = dataclasses.replace(settings, fine_tune=True)
    if args.init_model is not None:
        settings = dataclasses.replace(settings, init_model=args.init_model)
    if args.fresh_videos:
        settings = dataclasses.replace(settings, fresh_videos=True)
    results = shan2017.run_reproduction(
        models=args.models, variants=args.variants or tuple(VARIANTS), protocols=args.protocols,
        settings=settings, seed=args.seed, mnist_path=args.mnist, save_dir=args.out if args.save_models else None,
        backup_dir=args.backup_dir,
    )
    print()
    print(shan2017.markdown_table(results))
    json_path, md_path = shan2017.save_results(results, args.out, settings, args.seed)
    print(f"\nwrote {json_path} and {md_path}")
    if args.backup_dir is not None:
        shutil.rmtree(args.backup_dir, ignore_errors=True)
        print(f"removed the finished run's backup {args.backup_dir}")
    return 0

"""``stvideo export``: a .keras model to a TensorFlow SavedModel, checked to serve the same predictions."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="export a .keras model to a TensorFlow SavedModel and check its predictions",
        description=(
            "Load a .keras model (any keras_stvideo model), export it with model.export() to a SavedModel "
            "folder, reload that with keras.layers.TFSMLayer and check that it serves the same predictions "
            "on a random input."
        ),
    )
    parser.add_argument("model", help="path to a .keras file")
    parser.add_argument("out_dir", help="SavedModel folder to write (must not exist; its parent folders are created)")
    parser.add_argument("--atol", type=float, default=1e-5, help="tolerance of the prediction check")
    parser.set_defaults(func=run)
    return parser


def export_and_check(model_path, out_dir, atol=1e-5, seed=0):
    """Export ``model_path`` to ``out_dir`` and return the largest prediction difference."""
    import os
    import pathlib
    import shutil
    import tempfile

    from keras_stvideo.commands._common import load_model_file
    from keras_stvideo.utils.paths import check_keras_archive, check_output_folder

    if not atol > 0:
        raise ValueError(f"atol must be positive, got {atol}")
    check_keras_archive(model_path, "model")
    out_dir = check_output_folder(out_dir, "out_dir", must_not_exist=True)

    import keras
    import numpy as np

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            f"stvideo export needs the TensorFlow backend, got the {backend!r} backend: it reloads the SavedModel "
            "with keras.layers.TFSMLayer, which Keras runs on TensorFlow only; run it with KERAS_BACKEND=tensorflow "
            "(a .keras file saved on any backend loads there)"
        )
    model = load_model_file(model_path, "model")
    shape = tuple(model.input.shape[1:])
    if any(d is None for d in shape):
        raise ValueError(f"the model's input shape must be fully known to check it, got {model.input.shape}")
    x = np.random.default_rng(seed).random((2,) + shape).astype("float32")
    expected = model.predict(x, verbose=0)
    created = next((p for p in reversed(out_dir.parents) if not p.exists()), None)  # removed again on failure
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    succeeded = False
    try:
        model.export(str(staging / "saved_model"), format="tf_saved_model", verbose=False)
        served = keras.layers.TFSMLayer(str(staging / "saved_model"), call_endpoint="serve")(x)
        served = np.asarray(served[next(iter(served))] if isinstance(served, dict) else served)
        difference = float(np.max(np.abs(served - expected)))
        if difference > atol:
            raise ValueError(f"the SavedModel serves predictions that differ by {difference:.3g} (> {atol})")
        os.replace(staging / "saved_model", out_dir)
        succeeded = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not succeeded and created is not None:
            shutil.rmtree(created, ignore_errors=True)
    return difference


def run(args):
    difference = export_and_check(args.model, args.out_dir, atol=args.atol)
    print(f"exported {args.model} to {args.out_dir}; served predictions match (max difference {difference:.2e})")
    return 0

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
    parser.add_argument("--input-shape", action="append", default=None, metavar="DIMS",
                        help="shape of one input sample without the batch, e.g. 16,112,112,3; give it once per "
                             "input (in order) for a model whose input shape is not stored or not fully known")
    parser.set_defaults(func=run)
    return parser


# Config entries that hold one sample's input shape in a subclassed model without a build config
# (e.g. ST-CSAE's patch_shape).
CONFIG_SHAPE_KEYS = ("input_shape", "patch_shape", "clip_shape")


def parse_input_shape(text, option="--input-shape"):
    """``"16,112,112,3"`` (or ``16x112x112x3``) -> ``(16, 112, 112, 3)``; a ValueError names the option."""
    parts = text.replace("x", ",").replace(" ", ",").split(",")
    try:
        dims = tuple(int(p) for p in parts if p != "")
    except ValueError:
        dims = ()
    if not dims or any(d < 1 or d > 100_000 for d in dims):
        raise ValueError(f"{option} must be positive integers separated by commas (e.g. 16,112,112,3), got {text!r}")
    return dims


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value)


def model_input_shapes(model, input_shapes=None):
    """``(shapes, several)``: the shape of one sample of each input (batch excluded), and whether the model takes a
    list of inputs. From ``input_shapes`` when given, else the model's inputs (functional and Sequential models),
    else its build config (a subclassed model saved after it was built)."""
    inputs = None
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a subclassed model has no symbolic inputs
        inputs = None
    stored = None
    if inputs:
        stored = [tuple(tensor.shape) for tensor in inputs]
    else:
        config = (model.get_build_config() or {}) if hasattr(model, "get_build_config") else {}
        shape = config.get("input_shape")
        if _is_shape(shape):
            stored = [tuple(shape)]
        elif isinstance(shape, (list, tuple)) and shape and all(_is_shape(s) for s in shape):
            stored = [tuple(s) for s in shape]
        elif isinstance(shape, dict):
            raise ValueError("model: a model of named (dict) inputs is not supported by stvideo export")
        else:  # a subclassed model built in its constructor: the sample shape its config stores
            model_config = model.get_config() if hasattr(model, "get_config") else {}
            for key in CONFIG_SHAPE_KEYS:
                if _is_shape(model_config.get(key)) and model_config.get(key):
                    shape = tuple(model_config[key])
                    stored = [shape if len(shape) > 0 and shape[0] is None else (None,) + shape]
                    break
    if input_shapes:
        shapes = [tuple(s) for s in input_shapes]
        if stored is not None and len(stored) != len(shapes):
            raise ValueError(f"--input-shape given {len(shapes)} times but the model takes {len(stored)} inputs")
        if stored is not None:
            for number, (given, known) in enumerate(zip(shapes, stored), 1):
                known = known[1:]
                if len(given) != len(known) or any(k is not None and k != g for g, k in zip(given, known)):
                    raise ValueError(f"--input-shape {','.join(map(str, given))} does not fit input {number} of the "
                                     f"model, of shape {tuple(known)} per sample")
        return shapes, len(shapes) > 1
    if stored is None:
        raise ValueError("model: its input shape is not stored in the file (a subclassed model saved before it was "
                         "built); give it with --input-shape, e.g. --input-shape 16,112,112,3")
    shapes = [s[1:] for s in stored]
    if any(d is None for shape in shapes for d in shape):
        raise ValueError(f"model: its input shape {[tuple(s) for s in stored]} is not fully known; give one sample's "
                         "shape with --input-shape (once per input), e.g. --input-shape 16,112,112,3")
    return shapes, len(shapes) > 1


def _flat_outputs(value):
    import numpy as np

    if isinstance(value, dict):
        return [np.asarray(value[key]) for key in sorted(value)]
    if isinstance(value, (list, tuple)):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def export_and_check(model_path, out_dir, atol=1e-5, seed=0, input_shapes=None):
    """Export ``model_path`` to ``out_dir`` and return the largest prediction difference.

    Works for functional, Sequential and subclassed models, of one input or several: the export signature is
    built from the model's own input shapes (``model_input_shapes``), or ``input_shapes`` when given.
    """
    import os
    import pathlib
    import shutil
    import tempfile

    from keras_stvideo.commands._common import load_model_file
    from keras_stvideo.utils.paths import check_keras_archive, check_output_folder

    if not atol > 0:
        raise ValueError(f"atol must be positive, got {atol}")
    input_shapes = [parse_input_shape(s) if isinstance(s, str) else tuple(s) for s in input_shapes or ()]
    check_keras_archive(model_path, "model")
    out_dir = check_output_folder(out_dir, "out_dir", must_not_exist=True)

    import keras
    import numpy as np

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            f"stvideo export needs the TensorFlow backend, got the {backend!r} backend: it reloads the SavedModel "
            "with tf.saved_model.load, which needs TensorFlow; run it with KERAS_BACKEND=tensorflow "
            "(a .keras file saved on any backend loads there)"
        )
    import tensorflow as tf

    model = load_model_file(model_path, "model")
    shapes, several = model_input_shapes(model, input_shapes)
    rng = np.random.default_rng(seed)
    arrays = [rng.random((2,) + tuple(shape)).astype("float32") for shape in shapes]
    x = arrays if several else arrays[0]
    specs = [tf.TensorSpec((None,) + tuple(shape), tf.float32, name=f"input_{i}") for i, shape in enumerate(shapes)]
    signature = [specs] if several else specs
    try:
        expected = _flat_outputs(model.predict(x, verbose=0))
    except Exception as error:  # noqa: BLE001 - the shape does not suit the model
        message = " ".join(str(error).split())[:200]
        raise ValueError(f"model {model_path}: it cannot predict on inputs of shape "
                         f"{[tuple(a.shape[1:]) for a in arrays]} ({type(error).__name__}: {message})") from None
    created = next((p for p in reversed(out_dir.parents) if not p.exists()), None)  # removed again on failure
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    succeeded = False
    try:
        model.export(str(staging / "saved_model"), format="tf_saved_model", verbose=False, input_signature=signature)
        loaded = tf.saved_model.load(str(staging / "saved_model"))  # kept referenced while it serves
        served = _flat_outputs(tf.nest.map_structure(lambda t: t.numpy(), loaded.serve(x)))
        del loaded
        if len(served) != len(expected):
            raise ValueError(f"the SavedModel serves {len(served)} outputs, the model {len(expected)}")
        difference = max(float(np.max(np.abs(s - e))) if s.size else 0.0 for s, e in zip(served, expected))
        if not difference <= atol:
            raise ValueError(f"the SavedModel serves predictions that differ by {difference:.3g} (> {atol})")
        os.replace(staging / "saved_model", out_dir)
        succeeded = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not succeeded and created is not None:
            shutil.rmtree(created, ignore_errors=True)
    return difference


def run(args):
    difference = export_and_check(args.model, args.out_dir, atol=args.atol, input_shapes=args.input_shape)
    print(f"exported {args.model} to {args.out_dir}; served predictions match (max difference {difference:.2e})")
    return 0

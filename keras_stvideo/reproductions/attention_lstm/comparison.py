"""Shan & Atanasov 2017's entry in ``stvideo compare``: LeNet on every frame, then an LSTM over the clip.

See ``keras_stvideo.reproductions.comparison`` for the task and the budget, and
docs/results/diagnosis_attention_lstm.md for
why the reduction differs from the paper's LeNet-LSTM: on raw [0, 1] frames, with LeNet's flatten + fc(500),
the model stayed at chance on the validation split (it fits the clips' appearance, the motion is ~6% of the
pixel variation), whatever the learning rate.
"""

from keras_stvideo.models.attention_lstm.attention_lstm_presets import ATTENTION_LSTM_COMPARE

PAPER = "Shan & Atanasov 2017"

# The reduction's numbers: the "attention_lstm_compare" preset's (models/attention_lstm/attention_lstm_presets.py).
PRESET = ATTENTION_LSTM_COMPARE
CONV_FILTERS = (20, 50)  # LeNet's conv(5, 20) - pool(2) - conv(5, 50) - pool(2) (paper Fig. 1), unchanged
FEATURE_UNITS = PRESET.config["feature_units"]  # LeNet's fc(500), the features the LSTM reads (paper Fig. 1)
LSTM_UNITS = PRESET.config["lstm_units"]  # paper: 8
FRAME_DIFFERENCES = PRESET.config["frame_differences"]  # each frame t >= 2 with frame t - frame (t - 1)
DIFFERENCE_SCALE = PRESET.config["difference_scale"]  # the differences' factor before the first convolution
CENTRE_FRAMES = PRESET.config["centre_frames"]  # frames - 0.5: the paper's "centered and converted to range [0, 1]"
GLOBAL_POOLING = PRESET.config["global_pooling"]  # "average" or "max" over conv2's maps; None: LeNet's flatten
OPTIMIZER = PRESET.training["optimizer"]  # paper: RMSProp
LEARNING_RATE = PRESET.training["learning_rate"]  # the paper's RMSProp rate (section IV-A), kept for Adam

REDUCED = PRESET.description


def build_model(input_shape, num_classes):
    """The reduced LeNet-LSTM: (T, H, W, 3) clips in [0, 1] -> class probabilities (``build_lenet_lstm`` with
    the preset's numbers)."""
    return PRESET.build(input_shape=tuple(input_shape), num_classes=num_classes, name="attention_lstm_compare")


FRAME_ENCODERS = ("lenet", "stn", "dcn")
# the layer whose maps the global pooling reads in each frame CNN: LeNet's last pooling; STN-LeNet and DCN-LeNet
# have no pooling (section II-A), so their last conv / offset layer
_POOLED_LAYER = {"lenet": "pool2", "stn": "conv2", "dcn": "offset2"}


def build_attention_model(input_shape, num_classes, frame_encoder="stn"):
    """The recipe's model with STN-LeNet or DCN-LeNet (Shan & Atanasov 2017, section II-A) in place of LeNet: the
    same centred frames and scaled frame differences, global pooling of the frame CNN's last maps, fc(500) and
    LSTM as ``build_model``. The STN's output is half the frame's side (the paper's 32 x 32 from 64 x 64)."""
    import keras

    from keras_stvideo.models.attention_lstm.frame_encoders import (
        FEATURES_LAYER, build_cnn_lstm, build_dcn_lenet, build_stn_lenet,
    )
    from keras_stvideo.models.frame_differences import frame_differences

    config = {**PRESET.config, "input_shape": tuple(input_shape)}
    frames_in, height, width, channels = config["input_shape"]
    clips = keras.Input(config["input_shape"], name="clip")
    x, frames = clips, frames_in
    if config["centre_frames"]:
        x = keras.layers.Rescaling(1.0, offset=-0.5, name="centre")(x)
    if config["frame_differences"]:
        later, differences = frame_differences(x)
        differences = keras.layers.Rescaling(config["difference_scale"], name="scale_differences")(differences)
        x = keras.layers.Concatenate(name="frames_and_differences")([later, differences])
        frames, channels = frames_in - 1, 2 * channels
    frame_shape = (height, width, channels)
    if frame_encoder == "stn":
        cnn = build_stn_lenet(frame_shape, feature_units=config["feature_units"],
                              stn_output_size=(height // 2, width // 2))
    else:
        cnn = build_dcn_lenet(frame_shape, feature_units=config["feature_units"])
    pooling = {"average": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
    pooled = pooling[config["global_pooling"]]()(cnn.get_layer(_POOLED_LAYER[frame_encoder]).output)
    features = keras.layers.Dense(config["feature_units"], activation="relu", name=FEATURES_LAYER)(pooled)
    cnn = keras.Model(cnn.input, features, name=f"{frame_encoder}_lenet_gap")
    video_model = build_cnn_lstm(cnn, sequence_length=frames, num_classes=num_classes,
                                 lstm_units=config["lstm_units"], name=f"{frame_encoder}_lenet_lstm")
    return keras.Model(clips, video_model(x), name=f"attention_lstm_compare_{frame_encoder}")


def train(task, frame_encoder="lenet"):
    """Train the reduced LeNet-LSTM on ``task``; return (model, predict).

    ``frame_encoder``: "lenet" (the recipe), or "stn" / "dcn" (``build_attention_model``: the paper's attention
    frame CNNs, everything else alike), the arms of ``stvideo claims``.
    """
    import keras

    if frame_encoder not in FRAME_ENCODERS:
        raise ValueError(f"frame_encoder must be one of {FRAME_ENCODERS}, got {frame_encoder!r}")
    if frame_encoder == "lenet":
        model = build_model(task.x_train.shape[1:], task.num_classes)
    else:
        model = build_attention_model(task.x_train.shape[1:], task.num_classes, frame_encoder)
    optimizer = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}[OPTIMIZER](LEARNING_RATE)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(task.x_train, task.y_train, batch_size=task.batch_size, epochs=task.epochs, verbose=0)
    return model, lambda clips: model.predict(clips, batch_size=task.batch_size, verbose=0)

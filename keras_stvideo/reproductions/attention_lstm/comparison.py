"""Shan & Atanasov 2017's entry in ``stvideo compare``: LeNet on every frame, then an LSTM over the clip.

See ``keras_stvideo.comparison`` for the task and the budget, and docs/results/diagnosis_attention_lstm.md for
why the reduction differs from the paper's LeNet-LSTM: on raw [0, 1] frames, with LeNet's flatten + fc(500),
the model stayed at chance on the validation split (it fits the clips' appearance, the motion is ~6% of the
pixel variation), whatever the learning rate.
"""

PAPER = "Shan & Atanasov 2017"

# The reduction's numbers, in one place.
CONV_FILTERS = (20, 50)  # LeNet's conv(5, 20) - pool(2) - conv(5, 50) - pool(2) (paper Fig. 1)
FEATURE_UNITS = 500  # LeNet's fc(500), the features the LSTM reads (paper Fig. 1)
LSTM_UNITS = 64  # paper: 8
FRAME_DIFFERENCES = True  # each frame t >= 2 is paired with frame t - frame (t - 1) on the channels
DIFFERENCE_SCALE = 4.0  # the differences' factor before the first convolution
CENTRE_FRAMES = True  # frames - 0.5: the paper's "centered and converted to range [0, 1]" (section IV-A)
GLOBAL_POOLING = "max"  # "average" or "max" over conv2's pooled maps before fc(500); None: LeNet's flatten
OPTIMIZER = "adam"  # paper: RMSProp
LEARNING_RATE = 1e-3  # the paper's RMSProp rate (section IV-A), kept for Adam

REDUCED = (
    "LeNet-LSTM trained end to end (no Scaled-MNIST stage 1: a motion has no per-frame label to pre-train on), "
    f"Adam {LEARNING_RATE:g} instead of RMSProp (RMSProp killed the ReLU units and stayed at chance), "
    f"LSTM({LSTM_UNITS}) instead of LSTM(8); each centred frame is given with its difference from the previous "
    f"frame, times {DIFFERENCE_SCALE:g} (6 channels: the motion is ~6% of the raw pixels' variation, and on raw "
    f"frames the model fitted appearance only), and conv2's maps are {GLOBAL_POOLING}-pooled over positions "
    "before fc(500) instead of flattened (a flattened fc must learn each motion at every position from 960 clips)"
)


def build_model(input_shape, num_classes):
    """The reduced LeNet-LSTM: (T, H, W, 3) clips in [0, 1] -> class probabilities."""
    import keras

    from keras_stvideo.models.attention_lstm.frame_encoders import FEATURES_LAYER, build_cnn_lstm, build_lenet
    from keras_stvideo.models.frame_differences import frame_differences

    frames_in, height, width, channels = tuple(input_shape)
    clips = keras.Input(tuple(input_shape), name="clip")
    x, frames = clips, frames_in
    if CENTRE_FRAMES:
        x = keras.layers.Rescaling(1.0, offset=-0.5, name="centre")(x)
    if FRAME_DIFFERENCES:
        later, differences = frame_differences(x)  # centring cancels in the differences
        differences = keras.layers.Rescaling(DIFFERENCE_SCALE, name="scale_differences")(differences)
        x = keras.layers.Concatenate(name="frames_and_differences")([later, differences])
        frames, channels = frames_in - 1, 2 * channels
    lenet = build_lenet(input_shape=(height, width, channels), feature_units=FEATURE_UNITS)
    if GLOBAL_POOLING:
        pooling = {"average": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
        pooled = pooling[GLOBAL_POOLING](name=f"global_{GLOBAL_POOLING}")(lenet.get_layer("pool2").output)
        features = keras.layers.Dense(FEATURE_UNITS, activation="relu", kernel_initializer="glorot_uniform",
                                      name=FEATURES_LAYER)(pooled)
        lenet = keras.Model(lenet.input, features, name="lenet_gap")
    video_model = build_cnn_lstm(lenet, sequence_length=frames, num_classes=num_classes, lstm_units=LSTM_UNITS,
                                 name="lenet_lstm")
    return keras.Model(clips, video_model(x), name="attention_lstm_compare")


def train(task):
    """Train the reduced LeNet-LSTM on ``task``; return (model, predict)."""
    import keras

    model = build_model(task.x_train.shape[1:], task.num_classes)
    optimizer = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop}[OPTIMIZER](LEARNING_RATE)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(task.x_train, task.y_train, batch_size=task.batch_size, epochs=task.epochs, verbose=0)
    return model, lambda clips: model.predict(clips, batch_size=task.batch_size, verbose=0)

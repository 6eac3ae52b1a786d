"""A reference row for ``stvideo compare``, not one of the five papers: a tiny 3D CNN on frames and differences.

It is the clip model of the MotionClips test (``tests/data/test_motion_clips.py``:
a single-frame CNN stays at chance, this model does not): the clip's frames 2..T
and their differences with the previous frame, concatenated on the channels,
two 3 x 3 x 3 convolutions (16 and 32 filters) with max-pooling, global average
pooling and a softmax. It shows what the same clips and budget allow a small
model built for motion, beside the papers' reduced models.
"""

PAPER = "reference (not a paper)"
REDUCED = ("not a paper's model: the MotionClips test's 3D CNN (frames and frame differences, Conv3D 16 and 32, "
           "global average pooling), Adam 1e-3, the same clips and epochs as the five methods")


def build_reference(input_shape, num_classes):
    """The reference clip model: (T, H, W, 3) clips in [0, 1] -> class probabilities."""
    import keras

    from keras_stvideo.models.frame_differences import frame_differences

    clips = keras.Input(tuple(input_shape), name="clip")
    frames, differences = frame_differences(clips)
    x = keras.layers.Concatenate(name="frames_and_differences")([frames, differences])
    x = keras.layers.Conv3D(16, 3, activation="relu", padding="same", name="conv1")(x)
    x = keras.layers.MaxPooling3D((1, 2, 2), name="pool1")(x)
    x = keras.layers.Conv3D(32, 3, activation="relu", padding="same", name="conv2")(x)
    x = keras.layers.MaxPooling3D((2, 2, 2), name="pool2")(x)
    x = keras.layers.GlobalAveragePooling3D(name="average")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="classifier")(x)
    return keras.Model(clips, outputs, name="reference_3d_cnn")


def train(task):
    """Train the reference on ``task``; return (model, predict)."""
    import keras

    model = build_reference(task.x_train.shape[1:], task.num_classes)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(task.x_train, task.y_train, batch_size=task.batch_size, epochs=task.epochs, verbose=0)
    return model, lambda clips: model.predict(clips, batch_size=task.batch_size, verbose=0)

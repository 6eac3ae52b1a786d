"""Shan & Atanasov 2017's entry in ``stvideo compare``: LeNet on every frame, then an LSTM over the clip.

See ``keras_stvideo.comparison`` for the task and the budget.
"""

PAPER = "Shan & Atanasov 2017"
REDUCED = ("LeNet-LSTM trained end to end on RGB frames with RMSProp 1e-3 (section IV-A's optimiser): no "
           "Scaled-MNIST stage 1 (motion has no per-frame label to pre-train on) and LSTM(64) instead of "
           "LSTM(8) (8 units hold too little of a 16-frame motion)")
LSTM_UNITS = 64


def train(task):
    """Train LeNet-LSTM on ``task``; return (model, predict)."""
    import keras

    from keras_stvideo.models.attention_lstm.frame_encoders import build_cnn_lstm, build_lenet

    frames, height, width, channels = task.x_train.shape[1:]
    model = build_cnn_lstm(build_lenet(input_shape=(height, width, channels)), sequence_length=frames,
                           num_classes=task.num_classes, lstm_units=LSTM_UNITS)
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(task.x_train, task.y_train, batch_size=task.batch_size, epochs=task.epochs, verbose=0)
    return model, lambda clips: model.predict(clips, batch_size=task.batch_size, verbose=0)

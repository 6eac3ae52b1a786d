"""Shan & Atanasov 2017, "A spatiotemporal model with visual attention for video classification".

Frame encoders (LeNet, STN-LeNet, DCN-LeNet) + LSTM (``frame_encoders``), their
two-stage training (``training``) and the reproduction of Table I (``reproduction``).
"""

from keras_stvideo.utils.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build_lenet": ".frame_encoders",
    "build_stn_lenet": ".frame_encoders",
    "build_dcn_lenet": ".frame_encoders",
    "build_cnn_lstm": ".frame_encoders",
    "build_lenet_lstm": ".frame_encoders",
    "build_lstm_head": ".frame_encoders",
    "FRAME_ENCODERS": ".frame_encoders",
    "TwoStageTrainer": ".training",
})

"""Shan & Atanasov 2017's experiments: Table I on Moving MNIST (``stvideo reproduce shan2017``), its
settings, and the LeNet-LSTM recipe in ``stvideo compare``.

The library these use is ``keras_stvideo.models.attention_lstm``; nothing there imports from here.
"""

"""One subpackage per paper, named by the method's short name.

- ``stcsae``: Baccouche et al. 2012, the spatio-temporal convolutional sparse auto-encoder + LSTM.
- ``fstcn``: Sun et al. 2015, factorized spatio-temporal convolutional networks.
- ``attention_lstm``: Shan & Atanasov 2017, LeNet / STN-LeNet / DCN-LeNet frame encoders + LSTM.
- ``siamese_c3d``: Paul et al. 2018, the Siamese C3D pre-trained on mined pairs, and the C3D classifier.
- ``tesnet``: Huang & Bors 2020, Temporal Squeeze pooling inside Inception-ResNet-V2, and TSN.

Each holds its builders, its training, its reproduction (``reproduction.py``,
run by ``stvideo reproduce``), its ``stvideo compare`` recipe (``comparison.py``) and inference glue that
only it uses.
"""

"""One subpackage per paper, named by the method's short name.

- ``attention_lstm``: Shan & Atanasov 2017, LeNet / STN-LeNet / DCN-LeNet frame encoders + LSTM.
- ``fstcn``: Sun et al. 2015, factorized spatio-temporal convolutional networks.
- ``tesnet``: Huang & Bors 2020, Temporal Squeeze pooling inside Inception-ResNet-V2, and TSN.

Each holds its builders, its training, its reproduction (``reproduction.py``,
run by ``stvideo reproduce``) and inference glue that only it uses.
"""

"""Huang & Bors 2020's experiments: ``stvideo reproduce tesnet`` (UCF101/HMDB51, or quick on generated
motion clips), its settings and quick data, and TeSNet's recipe in ``stvideo compare``.

The library these use is ``keras_stvideo.models.tesnet``; nothing there imports from here.
"""

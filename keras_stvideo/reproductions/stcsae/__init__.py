"""Baccouche et al. 2012's experiments: the KTH reproduction (``stvideo reproduce stcsae``), its settings,
the grey motion clips of its quick run, and ST-CSAE's recipe in ``stvideo compare``.

The library these use is ``keras_stvideo.models.stcsae``; nothing there imports from here.
"""

"""Paul et al. 2018's experiments: Table 1 and Table 3 (``stvideo reproduce siamese-c3d``), and the
Siamese C3D's recipe in ``stvideo compare``.

The library these use is ``keras_stvideo.models.siamese_c3d``; nothing there imports from here.
"""

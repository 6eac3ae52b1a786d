"""Sun et al. 2015's experiments: ``stvideo reproduce fstcn`` (quick on generated motion clips, or the
paper's setting on a UCF101/HMDB51 index, SCI against averaging), and FstCN's recipe in ``stvideo compare``.

The library these use is ``keras_stvideo.models.fstcn``; nothing there imports from here.
"""

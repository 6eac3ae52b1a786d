"""keras_stvideo.layers"""

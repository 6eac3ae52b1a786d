"""keras_stvideo.inference"""

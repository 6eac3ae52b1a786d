"""keras_stvideo.models"""

"""keras_stvideo.data"""

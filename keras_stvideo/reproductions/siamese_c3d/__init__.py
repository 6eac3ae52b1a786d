"""siamese_c3d reproduction: placeholder"""

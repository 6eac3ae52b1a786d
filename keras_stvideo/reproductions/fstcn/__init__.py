"""fstcn reproduction: placeholder"""

"""tesnet reproduction: placeholder"""

"""stcsae reproduction: placeholder"""

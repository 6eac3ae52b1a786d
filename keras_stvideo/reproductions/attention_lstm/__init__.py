"""attention_lstm reproduction: placeholder"""

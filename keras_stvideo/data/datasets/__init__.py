"""Parsers of the official split files of KTH, UCF101 and HMDB51 into ``VideoIndex`` objects."""

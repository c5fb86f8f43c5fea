"""Support-meeting lookup, offline first.

sources.yml -> feeds.py (meeting_guide.py, bmlt.py -> model.Meeting; cache.py for URLs)
-> search.py (places.py, when.py, understand.py) -> speak.py (content/<language>/phrases/meetings.yml).
Nothing here does work at import time; the catalog and gazetteer load on first use.
"""

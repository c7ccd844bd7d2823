"""Browser tests: the running dashboard driven in Debian's Chromium (see conftest.py)."""

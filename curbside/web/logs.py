"""Logging to whatever sys.stderr is now, not what it was at start-up: test runners and
daemonisers swap the stream, and a handler holding the old one fails with "I/O operation
on closed file"."""

import logging
import sys


class CurrentStderrHandler(logging.StreamHandler):
    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass  # always the current sys.stderr

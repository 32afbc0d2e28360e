"""Pictures redrawn every week: the static part drawn once, the moving artists blitted.

The page redraws after every simulated week, so each picture is built once per
model (figure, axes, one scatter per plan, one line per curve) and then only has
its data replaced: a frame is a few array copies and a PNG encoding, not a new
figure.
"""

from __future__ import annotations

import io
import threading

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

DPI = 100
"""Dots per inch of every picture (sizes are given in pixels)."""


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes, fully redrawn (for files and tests)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class LivePicture:
    """A figure whose static part is drawn once and whose moving artists are blitted.

    Subclasses create ``self.figure`` and its artists, list the moving ones in
    ``self.moving`` (they are marked animated, so a full draw leaves them out), and set
    ``self.static_changed`` whenever something else changed (axis limits, titles).
    """

    figure: Figure
    moving: list

    def __init__(self) -> None:
        self.static_changed = True
        self._static: object | None = None
        # The page may draw from its stepping thread and from a click at the same time.
        self.lock = threading.RLock()

    def frame(self) -> bytes:
        """The current picture as PNG bytes (call after ``draw``)."""
        with self.lock:
            return self._frame()

    def _frame(self) -> bytes:
        canvas = self.figure.canvas
        if self.static_changed or self._static is None:
            for artist in self.moving:
                artist.set_animated(True)
            canvas.draw()
            self._static = canvas.copy_from_bbox(self.figure.bbox)
            self.static_changed = False
        else:
            canvas.restore_region(self._static)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        # Fast, lightly compressed PNG: the picture changes every week.
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, "png", compress_level=1)
        return buffer.getvalue()

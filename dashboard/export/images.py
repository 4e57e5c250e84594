"""One view as a PNG, SVG or PDF image, stamped."""

from __future__ import annotations

from datetime import date

from dashboard.charts import ChartView
from dashboard.export.renderer import IMAGE_SIZES, ImageSize, render_image
from dashboard.export.stamp import _stamped


def _image(view: ChartView, fmt: str, scale: str, exported_on: date | None, base_url: str | None) -> bytes:
    """The stamped view drawn at a named size; vector formats at the layout size (their text stays text)."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    size = IMAGE_SIZES[scale]
    if fmt != "png":
        size = ImageSize(size.width, size.height, 1)
    return render_image(_stamped(view, exported_on, base_url), fmt, size)


def to_png(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """PNG at a named size: 'slide' 1600x900 px or 'print' 3300x2550 px (letter landscape, 300 dpi)."""
    return _image(view, "png", scale, exported_on, base_url)


def to_svg(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """SVG drawn at the named size's layout (1280x720 for 'slide'); text stays text."""
    return _image(view, "svg", scale, exported_on, base_url)


def to_pdf(view: ChartView, scale: str = "print", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """A one-page vector PDF: 'print' is a US-letter landscape page, 'slide' a 16:9 page."""
    return _image(view, "pdf", scale, exported_on, base_url)

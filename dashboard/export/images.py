"""One view as a PNG, SVG or PDF image, stamped."""

from __future__ import annotations

from datetime import date

from dashboard.export.renderer import IMAGE_SIZES, ImageSize, render_image
from dashboard.export.stamp import _stamped
from dashboard.views import ChartView


def to_png(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """PNG at a named size: 'slide' 1600x900 px or 'print' 3300x2550 px (letter landscape, 300 dpi)."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    return render_image(_stamped(view, exported_on, base_url), "png", IMAGE_SIZES[scale])


def to_svg(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """SVG drawn at the named size's layout (1280x720 for 'slide'); text stays text."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    size = IMAGE_SIZES[scale]
    return render_image(_stamped(view, exported_on, base_url), "svg", ImageSize(size.width, size.height, 1))


def to_pdf(view: ChartView, scale: str = "print", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """A one-page vector PDF: 'print' is a US-letter landscape page, 'slide' a 16:9 page."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    size = IMAGE_SIZES[scale]
    return render_image(_stamped(view, exported_on, base_url), "pdf", ImageSize(size.width, size.height, 1))



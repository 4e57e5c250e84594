"""The chart figures: pure functions from query results to go.Figure, and what callers need beside them.

Every figure is framed the same way (bold title, subtitle, footnote, source line; `apply_frame` re-frames a
finished one) and styled from one theme, so that the map, the trend and the timeline look alike on a laptop and on
a projector. The builders read nothing but their arguments, assemble a plain figure dict, and record what they had
to leave out in `fig.layout.meta`. One module per concern:

- formatting: numbers and text (one way to format each thing)
- theme: colours, sizes, layout and the frame
- programmes: how HAT programmes are grouped, dated, named and described
- value_notes: the deaths and population behind a rate, and the flags on a value
- map, trend, timeline: one builder each

Callers import from here (`from dashboard import figures`); the modules import each other directly.
"""

from dashboard.figures.claim import make_claim_figure
from dashboard.figures.colours import COUNTRY_COLOURS, COUNTRY_STYLE_ORDER, country_style
from dashboard.figures.formatting import (
    format_change,
    format_value,
    is_list,
    is_missing,
    is_rate_unit,
    join_names,
    records,
    source_line_for,
    truncate,
)
from dashboard.figures.map import (
    MAP_LAT_RANGE,
    MAP_LON_RANGE,
    SharedGeometry,
    animate_map,
    make_map_figure,
    still_figure,
)
from dashboard.figures.programmes import (
    MAP_GROUPS,
    PHASE_STYLES,
    PHASES,
    marker_positions,
    phase_label,
    programme_phase,
    programme_years_text,
    source_list,
    status_text,
)
from dashboard.figures.ranking import make_ranking_figure
from dashboard.figures.screen import screen_figure
from dashboard.figures.theme import (
    NO_DATA_COLOUR,
    apply_frame,
    resized_figure,
    rows_height,
)
from dashboard.figures.timeline import CURRENT_YEAR, TIMELINE_FIRST_YEAR, make_timeline_figure
from dashboard.figures.trend import make_trend_figure
from dashboard.figures.value_notes import WARNING_FLAGS, flagged_countries, warning_labels

__all__ = [
    "CURRENT_YEAR", "MAP_GROUPS", "MAP_LAT_RANGE", "MAP_LON_RANGE", "NO_DATA_COLOUR", "PHASES",
    "COUNTRY_COLOURS", "COUNTRY_STYLE_ORDER", "country_style",
    "PHASE_STYLES",
    "TIMELINE_FIRST_YEAR", "WARNING_FLAGS", "SharedGeometry", "apply_frame",
    "flagged_countries", "format_change", "format_value", "is_list", "is_missing", "is_rate_unit", "join_names",
    "animate_map", "make_map_figure",
    "make_ranking_figure",
    "make_claim_figure", "make_timeline_figure", "make_trend_figure", "marker_positions", "phase_label",
    "programme_phase",
    "programme_years_text",
    "records", "resized_figure", "rows_height", "screen_figure", "source_line_for", "still_figure", "source_list",
    "status_text", "truncate",
    "warning_labels",
]

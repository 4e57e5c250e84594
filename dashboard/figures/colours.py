"""Which country is drawn in which colour and dash, fixed: a country looks the same on every chart, slide and export,
whatever else is shown."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

# Eight line colours, each at least 3:1 against the white background (WCAG 1.4.11; Okabe & Ito's orange, sky blue,
# pink and yellow are not): blue, vermillion, green, magenta, ochre, indigo, teal, black. Four dash patterns tell
# repeated colours apart: 32 styles, enough for the 30 EMCDDA countries on one chart.
COUNTRY_COLOURS = ("#0072B2", "#D55E00", "#117733", "#AA4499", "#996600", "#332288", "#00798C", "#000000")
LINE_DASHES = ("solid", "dash", "dot", "dashdot")
# Which country gets which style, fixed, so a country looks the same on every chart, slide and export whatever
# else is shown. The Nordic and HAT countries compared most often get the solid lines; the 30 EMCDDA countries
# and Switzerland and Iceland have a style each. The others share the style of a country they are rarely shown
# with (England and Wales and Scotland sit beside the EMCDDA countries on the national-figures chart, so never
# one of those that publish national figures). tests/test_figures.py checks every country in countries.csv.
COUNTRY_STYLE_ORDER = ("NOR", "SWE", "DNK", "FIN", "DEU", "NLD", "CHE", "GBR",
                       "ISL", "BEL", "LUX", "ESP", "FRA", "IRL", "AUT", "PRT",
                       "ITA", "GRC", "CZE", "POL", "HUN", "EST", "LVA", "LTU",
                       "BGR", "HRV", "CYP", "MLT", "ROU", "SVK", "SVN", "TUR")
SHARED_STYLE = {"GB-EAW": "TUR", "GB-SCT": "ROU", "LIE": "MLT", "SRB": "CYP", "CAN": "SVK", "USA": "SVN",
                "AUS": "BGR"}


def country_style(iso3: str) -> dict[str, str]:
    """The colour and dash of a country's line, the same on every chart (COUNTRY_STYLE_ORDER)."""
    code = SHARED_STYLE.get(iso3, iso3)
    if code in COUNTRY_STYLE_ORDER:
        index = COUNTRY_STYLE_ORDER.index(code)
    else:  # a code we do not know (the benchmarks' synthetic regions): still the same style every time
        index = zlib.crc32(code.encode("utf-8")) % (len(COUNTRY_COLOURS) * len(LINE_DASHES))
    return {"colour": COUNTRY_COLOURS[index % len(COUNTRY_COLOURS)],
            "dash": LINE_DASHES[(index // len(COUNTRY_COLOURS)) % len(LINE_DASHES)]}


def country_styles(iso3_codes: Iterable[str]) -> dict[str, dict[str, str]]:
    return {iso3: country_style(iso3) for iso3 in sorted(set(iso3_codes))}

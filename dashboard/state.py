"""The view state: every filter of every page, parsed from and written to the URL query string.

Parsing never raises: whatever arrives in the URL, the result is a valid state plus short notices
that say what was ignored or corrected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard import i18n, site
from dashboard.catalog import PRESET_LABELS, Catalog
from dashboard.i18n import number, tr

SCALES = ("linear", "log")
# The map's colour scale: one for the whole selected year range (colours compare across years), or per year.
COLOUR_SCALES = ("range", "year")
DEFAULT_PAGE = site.DEFAULT_PAGE
DEFAULT_INDICATOR = "drd_deaths_per_million_15_64"
KNOWN_KEYS = ("page", "indicator", "countries", "preset", "from", "to", "year", "sex", "age", "scale", "index",
              "projector", "colours", "animate", "check", "claim", "lang")
_SWITCH = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False}
# Keys others own (the meeting page's deck link, Streamlit's embed switches, the country profile's country); the
# view state leaves them alone.
EMBED_KEYS = ("embed", "embed_options")  # Streamlit's own switches of an embedded app
OTHER_KEYS = ("deck", *EMBED_KEYS, "country")
MAX_VALUE_LENGTH = 4000
# index=first: each country indexed on the first year it reports in the range (a fixed base year empties the
# chart of the countries without a value that year); held as index_base 0, as queries/indicator_trend.sql takes it.
INDEX_FIRST_YEAR, FIRST_YEAR = "first", 0
MAX_COUNTRIES = 100
_YEAR = re.compile(r"^\s*([0-9]{1,4})\s*$")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the user sees; immutable so it can key caches."""

    page: str
    indicator: str
    countries: tuple[str, ...]
    year_from: int
    year_to: int
    year: int
    sex: str = "total"
    age_group: str = "total"
    scale: str = "linear"
    index_base: int | None = None  # None: no index; FIRST_YEAR (0): each country's first year; else a year
    projector: bool = False  # presentation: large type and thick lines, kept in links, decks and exports
    colours: str = "range"  # the map's colour scale: "range" (the selected years) or "year" (per-year contrast)
    animate: bool = False  # the map plays through the selected years in the browser (frames, slider, pause)
    # The Claims page: a number checked against every series ('NOR,2015,81,per_million[,counts]', see
    # dashboard.claim_check.parse_check_spec) and the register claim it comes from (its claim_id), if any.
    check: str = ""
    claim: str = ""
    lang: str = i18n.DEFAULT  # the reader's language (dashboard/i18n.py), kept in links, decks and exports


# Characters that would make a value active in the Markdown the notices are rendered with: links and images
# ([...](...)), HTML and autolinks (<...>), code spans, LaTeX ($...$), Streamlit directives (:red[...]), escapes.
_MARKUP = frozenset("[]<>`$\\")


def shown(text: str, limit: int = 24) -> str:
    """A user-supplied value made safe and short for a notice: printable, no Markdown markup, quoted."""
    cleaned = plain(text)
    return repr(cleaned if len(cleaned) <= limit else cleaned[:limit] + "…")


def plain(text: str) -> str:
    """A message that may quote user input, made inert for the Markdown notices are shown with."""
    return "".join(ch if ch.isprintable() and ch not in _MARKUP else "?" for ch in text)


def default_state(catalog: Catalog, page: str = DEFAULT_PAGE) -> ViewState:
    preset = site.BY_NAME[page].default_preset if page in site.BY_NAME else site.PAGES[0].default_preset
    if not catalog.indicators:  # statistics unavailable: a countries-only state for the programme pages
        return ViewState(page=page, indicator="", countries=catalog.preset(preset), year_from=0,
                         year_to=0, year=0)
    indicator = catalog.indicators.get(DEFAULT_INDICATOR) or next(iter(catalog.indicators.values()))
    return ViewState(page=page, indicator=indicator.indicator_id, countries=catalog.preset(preset),
                     year_from=indicator.year_min, year_to=indicator.year_max, year=indicator.map_year)


def _single(params: Mapping[str, str | Sequence[str]], key: str, notices: list[str]) -> str | None:
    raw = params.get(key)
    if raw is None:
        return None
    values = [raw] if isinstance(raw, str) else list(raw)
    if not values:
        return None
    if len(values) > 1:
        notices.append(tr("Parameter '{key}' was given {times} times; the last one is used.", key=key,
                          times=len(values)))
    value = str(values[-1])
    if len(value) > MAX_VALUE_LENGTH:
        notices.append(tr("Parameter '{key}' is too long ({length} characters) and was ignored.", key=key,
                           length=number(len(value))))
        return None
    return value


def _year(value: str | None, key: str, notices: list[str]) -> int | None:
    if value is None or value == "":
        return None
    match = _YEAR.match(value)
    if not match:
        notices.append(tr("'{key}' must be a year; {value} was ignored.", key=key, value=shown(value)))
        return None
    return int(match.group(1))


def _countries(value: str, catalog: Catalog, notices: list[str]) -> tuple[str, ...]:
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    if len(codes) > MAX_COUNTRIES:
        notices.append(tr("Only the first {first} of {count} country codes were read.", first=MAX_COUNTRIES,
                           count=number(len(codes))))
        codes = codes[:MAX_COUNTRIES]
    known, unknown = [], []
    for code in codes:
        if code in catalog.countries:
            if code not in known:
                known.append(code)
        elif code not in unknown:
            unknown.append(code)
    if unknown:
        listed = ", ".join(shown(code, 12) for code in unknown[:5])
        more = tr(" and {count} more", count=len(unknown) - 5) if len(unknown) > 5 else ""
        notices.append(tr("Unknown country code {codes} ignored (use ISO 3166 alpha-3 codes such as NOR).",
                          codes=listed + more))
    return tuple(known)


def parse_state(params: Mapping[str, str | Sequence[str]], catalog: Catalog,
                page: str | None = None, lang: str = i18n.DEFAULT) -> tuple[ViewState, list[str]]:
    """A valid state from URL query parameters, and the notices to show about what was corrected.
    lang: the language when the parameters name none (in the app: the session's or the browser's)."""
    notices: list[str] = []
    for key in params:
        if key not in KNOWN_KEYS + OTHER_KEYS:
            notices.append(tr("Unknown parameter {name} ignored.", name=shown(str(key), 20)))
    lang = read_language(_single(params, "lang", notices), notices, default=lang)
    page_value = _single(params, "page", notices)
    if page_value is not None and page_value not in site.PAGE_NAMES:
        notices.append(tr("Unknown page {name}; showing the {page} page.", name=shown(page_value),
                           page=page or DEFAULT_PAGE))
        page_value = None
    page_value = page or page_value or DEFAULT_PAGE  # in the app the page comes from the URL path
    base = replace(default_state(catalog, page_value), lang=lang)

    countries: tuple[str, ...] = ()
    countries_value = _single(params, "countries", notices)
    preset_value = _single(params, "preset", notices)
    # 'countries=' (nothing) is a selection someone cleared: it stays empty, and the pages say how to choose.
    cleared = countries_value is not None and not countries_value.strip(" ,")
    if countries_value is not None and not cleared:
        countries = _countries(countries_value, catalog, notices)
        if not countries:
            notices.append(tr("No known country selected; showing the default countries."))
    elif preset_value is not None:
        if preset_value in PRESET_LABELS:
            countries = catalog.preset(preset_value)
        else:
            notices.append(tr("Unknown country preset {name}; presets are {presets}.", name=shown(preset_value),
                              presets=", ".join(PRESET_LABELS)))
    countries = () if cleared else (countries or base.countries)
    projector = read_switch(_single(params, "projector", notices), "projector", notices)
    if not catalog.indicators:
        return replace(base, page=page_value, countries=countries, projector=projector), notices

    indicator_id = _single(params, "indicator", notices)
    if indicator_id is not None and indicator_id not in catalog.indicators:
        notices.append(tr("Unknown indicator {name}; showing {indicator}.", name=shown(indicator_id),
                          indicator=catalog.indicators[base.indicator].label.lower()))
        indicator_id = None
    indicator = catalog.indicators[indicator_id or base.indicator]

    year_from = _year(_single(params, "from", notices), "from", notices)
    year_to = _year(_single(params, "to", notices), "to", notices)
    low, high = indicator.year_min, indicator.year_max
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append(tr("Year range {given} was reversed; showing {shown}.",
                          given="-".join(map(str, (year_from, year_to))), shown=i18n.year_range(year_to, year_from)))
        year_from, year_to = year_to, year_from
    clamped_from = min(max(year_from if year_from is not None else low, low), high)
    clamped_to = max(min(year_to if year_to is not None else high, high), low)
    if (year_from is not None and year_from != clamped_from) or (year_to is not None and year_to != clamped_to):
        notices.append(tr("{indicator} has data for {years}; the year range was limited to that.",
                           indicator=indicator.label, years=i18n.year_range(low, high)))
    if clamped_from > clamped_to:
        clamped_from, clamped_to = low, high
    year = _year(_single(params, "year", notices), "year", notices)
    default_year = min(max(indicator.map_year, clamped_from), clamped_to)
    if year is not None and not clamped_from <= year <= clamped_to:
        notices.append(tr("Map year {year} is outside {years}; showing {shown}.", year=year,
                           years=i18n.year_range(clamped_from, clamped_to), shown=default_year))
        year = None
    year = year if year is not None else default_year

    sex = _single(params, "sex", notices) or "total"
    if sex not in indicator.sexes:
        notices.append(tr("{indicator} has no breakdown by sex {name}; showing all sexes.", indicator=indicator.label,
                           name=shown(sex)))
        sex = "total"
    age_group = _single(params, "age", notices) or "total"
    if age_group not in indicator.age_groups:
        notices.append(tr("{indicator} has no age group {name}; showing all ages.", indicator=indicator.label,
                           name=shown(age_group)))
        age_group = "total"
    if f"{sex}/{age_group}" not in indicator.breakdowns:
        notices.append(tr("{indicator} has no data by sex and age group together; showing all ages.",
                           indicator=indicator.label))
        age_group = "total"

    scale = _single(params, "scale", notices) or "linear"
    if scale not in SCALES:
        notices.append(tr("Unknown axis scale {name}; using linear.", name=shown(scale)))
        scale = "linear"
    colours = _single(params, "colours", notices) or "range"
    if colours not in COLOUR_SCALES:
        notices.append(tr("Unknown colour scale {name}; colours span the selected years ('range').",
                          name=shown(colours)))
        colours = "range"
    animate = read_switch(_single(params, "animate", notices), "animate", notices)
    index_value = _single(params, "index", notices)
    if index_value is not None and index_value.strip().lower() == INDEX_FIRST_YEAR:
        index_base = FIRST_YEAR
    else:
        index_base = _year(index_value, "index", notices)
        if index_base is not None and not clamped_from <= index_base <= clamped_to:
            notices.append(tr("Index base year {year} is outside {years}; index turned off.", year=index_base,
                              years=i18n.year_range(clamped_from, clamped_to)))
            index_base = None

    check, claim = _claim_params(params, catalog, notices)
    if check and page_value == "claims":  # a checked claim is about one country: the view's
        countries = (check.split(",")[0],)
    state = ViewState(page=page_value, indicator=indicator.indicator_id, countries=countries,
                      year_from=clamped_from, year_to=clamped_to, year=year, sex=sex, age_group=age_group,
                      scale=scale, index_base=index_base, projector=projector, colours=colours, animate=animate,
                      check=check, claim=claim, lang=lang)
    return state, notices


_CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")


def _claim_params(params: Mapping[str, str | Sequence[str]], catalog: Catalog, notices: list[str]) -> tuple[str, str]:
    """The Claims page's check and register claim: a bad check is dropped with the reason, never half-read."""
    from dashboard import claim_check  # the checker reads the catalog; the state module stays importable alone

    check = _single(params, "check", notices) or ""
    if check:
        try:
            check = claim_check.parse_check_spec(check, catalog).spec
        except claim_check.CheckInputError as error:
            notices.append(tr("The number to check {value} was ignored: {reason}.", value=shown(check, 40),
                           reason=plain(str(error))))
            check = ""
    claim = _single(params, "claim", notices) or ""
    if claim and not _CLAIM_ID.match(claim):
        notices.append(tr("Claim {name} is not a claim ID of the register; ignored.", name=shown(claim)))
        claim = ""
    return check, claim


# The keys every page's own link may carry beside its own (dashboard/views.py): the page, the projector theme and
# Streamlit's embed switches.
SHARED_LINK_KEYS = ("page", "projector", "lang", *EMBED_KEYS)


def unknown_parameters(params: Mapping[str, object], known: Sequence[str], notices: list[str],
                       prefixes: tuple[str, ...] = ()) -> None:
    """A notice for each parameter that is neither known nor shared (at most three: a link can hold hundreds)."""
    unknown = [key for key in params if key not in (*known, *SHARED_LINK_KEYS) and not str(key).startswith(prefixes)]
    notices.extend(tr("Unknown parameter {name} ignored.", name=shown(str(key), 20)) for key in unknown[:3])


def read_choice(value: str | None, allowed: Sequence[str], default: str, name: str, notices: list[str]) -> str:
    """One of `allowed`; anything else is a notice and the default."""
    if value is None:
        return default
    if value in allowed:
        return value
    notices.append(tr("'{name}' must be one of {allowed}, not {value}; {default} is shown.", name=name,
                       allowed=", ".join(allowed), value=shown(value), default=default))
    return default


def read_language(value: str | None, notices: list[str], default: str = i18n.DEFAULT) -> str:
    """'en' or 'nb'; anything else is a notice and English (the language every string is written in first)."""
    if value is None or value == "":
        return default if i18n.is_known(default) else i18n.DEFAULT
    if i18n.is_known(value.strip().lower()):
        return value.strip().lower()
    notices.append(tr("Unknown language {name}; showing English (lang=en English, lang=nb norsk bokmål).",
                       name=shown(value)))
    return i18n.DEFAULT


def read_switch(value: str | None, key: str, notices: list[str], default: bool = False) -> bool:
    """An on/off parameter ('1', '0', 'true', 'off'...); anything else is a notice and the default."""
    if value is None:
        return default
    if value.strip().lower() in _SWITCH:
        return _SWITCH[value.strip().lower()]
    notices.append(tr("Parameter '{key}' must be 1 or 0, not {value}; left on.", key=key, value=shown(value))
                   if default else
                   tr("Parameter '{key}' must be 1 or 0, not {value}; turned off.", key=key, value=shown(value)))
    return default


def to_params(state: ViewState, catalog: Catalog) -> dict[str, str]:
    """A short query string that reproduces the state: page, countries and indicator always, the other
    filters only where they differ from the indicator's defaults."""
    params = {"page": state.page}
    if state.lang != i18n.DEFAULT:
        params["lang"] = state.lang
    if state.projector:
        params["projector"] = "1"
    preset = next((name for name in PRESET_LABELS if set(catalog.preset(name)) == set(state.countries)), None)
    if preset and state.countries:
        params["preset"] = preset
    else:
        params["countries"] = ",".join(state.countries)  # empty: a cleared selection
    indicator = catalog.indicators.get(state.indicator)
    if indicator is None:  # a countries-only state (statistics unavailable)
        return params
    params["indicator"] = state.indicator
    if state.year_from != indicator.year_min:
        params["from"] = str(state.year_from)
    if state.year_to != indicator.year_max:
        params["to"] = str(state.year_to)
    if state.year != min(max(indicator.map_year, state.year_from), state.year_to):
        params["year"] = str(state.year)
    if state.sex != "total":
        params["sex"] = state.sex
    if state.age_group != "total":
        params["age"] = state.age_group
    if state.scale != "linear":
        params["scale"] = state.scale
    if state.index_base is not None:
        params["index"] = INDEX_FIRST_YEAR if state.index_base == FIRST_YEAR else str(state.index_base)
    if state.colours != "range":
        params["colours"] = state.colours
    if state.animate:
        params["animate"] = "1"
    if state.check:
        params["check"] = state.check
    if state.claim:
        params["claim"] = state.claim
    return params


def to_query_string(state: ViewState, catalog: Catalog) -> str:
    return urlencode(to_params(state, catalog), safe=",")


def from_query_string(query: str, catalog: Catalog) -> tuple[ViewState, list[str]]:
    """Parse '?page=map&countries=NOR' (leading '?' and full URLs accepted)."""
    query = query.split("?", 1)[1] if "?" in query else query
    return parse_state(parse_qs(query, keep_blank_values=True), catalog)


def normalise(state: ViewState, catalog: Catalog) -> ViewState:
    """The state as a link to it opens: filters the indicator cannot show corrected, exactly as parse_state does
    for a URL. The one normalisation: URLs, widgets (dashboard/ui/filters.py) and deck items all go through it."""
    params = to_params(state, catalog)
    if state.indicator in catalog.indicators:
        # to_params leaves out what equals the indicator's defaults; a state of another indicator still needs them
        params |= {"from": str(state.year_from), "to": str(state.year_to), "year": str(state.year)}
    return parse_state(params, catalog, page=state.page)[0]

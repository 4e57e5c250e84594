"""Before and after heroin-assisted treatment: countries' series aligned on the year HAT started there (a trial or
regular treatment), years -10 to +10 around it, optionally indexed to the start year, beside the mean of the
countries without HAT over the same calendar years.

Where sources disagree about a start year (programme_claims), every claimed year is offered with its source and
status, and the user's pick is the one drawn. Pure functions over query tables; dashboard/ui/before_after.py lays
the view out and dashboard/figures/before_after.py draws it. This is a picture of timing, not an effect estimate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from dashboard import i18n
from dashboard.catalog import Catalog
from dashboard.charts import ChartView, QueryRunner
from dashboard.figures import format_value, is_missing, records, screen_figure
from dashboard.figures.before_after import make_before_after_figure
from dashboard.i18n import N_, tr
from dashboard.state import read_choice, read_language, read_switch, shown, unknown_parameters

WINDOW = 10  # years either side of the start
PAGE = "before-after"
DEFAULT_COUNTRIES = ("DNK", "DEU", "NLD", "CHE")
MAX_COUNTRIES = 20
KNOWN_KEYS = ("countries", "event", "measure", "index", "compare")  # the link's own, and start_<ISO3>


@dataclass(frozen=True)
class Measure:
    key: str
    indicator_id: str  # a rate, so countries of any size compare (the build computes the per-person series)
    label: str  # the title, in English (the code reads its unit: 'per'); shown_label in the reader's language
    unit: str  # the y axis (short: a long axis title ran into the subtitle of an exported image); in English

    @property
    def shown_label(self) -> str:
        return tr(self.label)

    @property
    def shown_unit(self) -> str:
        return tr(self.unit)


MEASURES = {
    "deaths": Measure("deaths", "drd_deaths_per_million_15_64", N_("Drug-induced deaths per million aged 15-64"),
                      N_("deaths per million aged 15-64")),
    "ost": Measure("ost", "ost_methadone_clients_per_100k_15_64",
                   N_("Clients in methadone treatment per 100,000 aged 15-64"), N_("clients per 100,000 aged 15-64")),
}
# What happened in the start year (the event switch and the subtitle), and the title's words for it. tr() shown.
EVENTS = {"regular": N_("regular treatment began"), "trial": N_("the first trial or pilot began")}
TITLE_EVENTS = {"regular": N_("regular treatment"), "trial": N_("the first trial or pilot")}
EVENT_NAMES = {"regular": N_("regular-treatment"), "trial": N_("trial or pilot")}  # 'no ... start in our register'
STATUSES = {"supported": N_("supported"), "contradicted": N_("contradicted"), "disputed": N_("disputed")}
REGISTERED = N_("in our register")
_PHASES = {"regular": ("regular",), "trial": ("trial", "pilot")}
CANNOT_SHOW = N_("HAT reaches a few hundred patients in each country (a few thousand in Germany and Switzerland), "
                 "while these counts are national; other policies changed over the same years (methadone and "
                 "buprenorphine treatment, naloxone, drug markets, how deaths are counted); a line that falls after "
                 "the start is not evidence that HAT made it fall. This is a picture of timing, not an effect "
                 "estimate.")


@dataclass(frozen=True)
class StartClaim:
    """One claimed start year of a country's programme, with where it comes from."""

    iso3: str
    programme_id: str
    programme: str
    year: int
    status: str  # 'in our register' (the year the register keeps), or a claim's status: supported, contradicted
    source: str

    @property
    def label(self) -> str:
        """'2009: in our register, supported (Reitox 2012)', in the reader's language (the source's title as is)."""
        return f"{self.year}: {self.status_shown}" + (f" ({self.source})" if self.source else "")

    @property
    def status_shown(self) -> str:
        return ", ".join(tr(STATUSES.get(part, part)) if part != REGISTERED else tr(REGISTERED)
                         for part in self.status.split(", "))


def start_claims(programmes: pd.DataFrame, claims: pd.DataFrame, event: str) -> dict[str, list[StartClaim]]:
    """Per country, the start years claimed for its first programme of the event's kind that treated patients:
    the register's year first, then every other year a source claims for it."""
    found: dict[str, list[StartClaim]] = {}
    kinds = _PHASES[event]
    chosen: dict[str, dict] = {}
    for row in records(programmes):
        if row["phase"] not in kinds or not row["treated_patients"] or is_missing(row["start_year"]):
            continue
        if row["iso3"] not in chosen or row["start_year"] < chosen[row["iso3"]]["start_year"]:
            chosen[row["iso3"]] = row
    claimed = [row for row in records(claims) if row["field"] == "start_year"]
    for iso3, row in sorted(chosen.items()):
        options = [StartClaim(iso3, row["programme_id"], row["programme_name"], int(row["start_year"]),
                              REGISTERED, "")]
        for claim in claimed:
            if claim["programme_id"] != row["programme_id"]:
                continue
            year = _year(claim["claimed_value"])
            if year is None:
                continue
            if year == options[0].year:
                options[0] = StartClaim(iso3, row["programme_id"], row["programme_name"], year,
                                        f"{REGISTERED}, {claim['claim_status']}", claim["source_title"] or "")
            elif all(option.year != year for option in options):
                options.append(StartClaim(iso3, row["programme_id"], row["programme_name"], year,
                                          str(claim["claim_status"]), claim["source_title"] or ""))
        found[iso3] = options
    return found


def _year(text: object) -> int | None:
    shown = str(text).strip()[:4]
    return int(shown) if shown.isdigit() and len(shown) == 4 else None


def _values(series: pd.DataFrame) -> pd.DataFrame:
    """iso3, year, value: the years with a value (queries/indicator_trend.sql rows)."""
    return series[["iso3", "year", "value"]].dropna(subset=["value"])


def align(series: pd.DataFrame, starts: dict[str, int], index: bool) -> pd.DataFrame:
    """One row per country and year from -WINDOW to +WINDOW around its start: iso3, relative_year, year, value,
    plotted (the value, or value / value at the start x 100). A year without a value stays a gap (NaN), never
    interpolated; with an index, a country without a value in its start year has nothing to index on (all NaN)."""
    values = _values(series)
    rows = []
    for iso3, start in starts.items():
        own = dict(zip(values.loc[values["iso3"] == iso3, "year"].astype(int),
                       values.loc[values["iso3"] == iso3, "value"], strict=True))
        base = own.get(start)
        for relative in range(-WINDOW, WINDOW + 1):
            value = own.get(start + relative, math.nan)
            plotted = value if not index else (value / base * 100 if base else math.nan)
            rows.append({"iso3": iso3, "relative_year": relative, "year": start + relative, "value": value,
                         "plotted": plotted})
    return pd.DataFrame(rows, columns=["iso3", "relative_year", "year", "value", "plotted"])


def comparison(series: pd.DataFrame, starts: dict[str, int], without_hat: list[str], index: bool) -> pd.DataFrame:
    """For each start: the mean over the countries without HAT of their values in the same calendar years,
    drawn the same way (indexed on its own start-year mean). iso3 (the HAT country it is beside), relative_year,
    year, mean, countries (how many had a value that year), plotted."""
    values = _values(series)
    others = values[values["iso3"].isin(without_hat)]
    by_year = others.groupby("year")["value"].agg(["mean", "size"])
    rows = []
    for iso3, start in starts.items():
        base = by_year["mean"].get(start)
        for relative in range(-WINDOW, WINDOW + 1):
            year = start + relative
            mean = by_year["mean"].get(year, math.nan)
            count = int(by_year["size"].get(year, 0))
            plotted = mean if not index else (mean / base * 100 if base else math.nan)
            rows.append({"iso3": iso3, "relative_year": relative, "year": year, "mean": mean, "countries": count,
                         "plotted": plotted})
    return pd.DataFrame(rows, columns=["iso3", "relative_year", "year", "mean", "countries", "plotted"])


def data_table(aligned: pd.DataFrame, compared: pd.DataFrame | None, names: dict[str, str],
               starts: dict[str, int]) -> pd.DataFrame:
    """What the view's data exports hold: one row per country and year around its start, with the comparison's
    mean and how many countries it is of."""
    table = aligned.assign(country=aligned["iso3"].map(names), start_year=aligned["iso3"].map(starts))
    if compared is not None and not compared.empty:
        table = table.merge(compared[["iso3", "relative_year", "mean", "countries"]].rename(
            columns={"mean": "without_hat_mean", "countries": "without_hat_countries"}),
            on=["iso3", "relative_year"], how="left")
    columns = ["iso3", "country", "start_year", "relative_year", "year", "value", "plotted"]
    return table[columns + [c for c in ("without_hat_mean", "without_hat_countries") if c in table]]


def chart_view(series: pd.DataFrame, measure: Measure, event: str, starts: dict[str, int], names: dict[str, str],
               without_hat: list[str], *, index: bool, compare: bool, query_string: str,
               projector: bool = False) -> ChartView:
    """The view drawn, titled, cited and summarised, as the page shows it and its exports carry it. series:
    queries/indicator_trend.sql rows of the measure for the countries and the countries without HAT."""
    aligned = align(series, starts, index)
    compared = comparison(series, starts, without_hat, index) if compare else None
    happened = tr(EVENTS[event])
    sources = sorted({str(s) for s in series.loc[series["iso3"].isin(list(starts)), "source"].dropna()})
    source_line = tr("Source: {sources} HAT start years: Drug Policy Atlas register, with the sources per "
                     "programme.", sources=" ".join(sources))
    chosen = ", ".join(f"{names[iso3]} {year}" for iso3, year in starts.items())
    title = tr("{measure}, before and after {event}", measure=measure.shown_label, event=tr(TITLE_EVENTS[event]))
    subtitle = (tr("Years before and after the year {event}: {countries}", event=happened, countries=chosen)
                + (tr("; indexed, start year = 100") if index else ""))
    footnote = tr(CANNOT_SHOW)
    figure = make_before_after_figure(
        aligned, compared, names, starts, y_title=tr("index (start year = 100)") if index else measure.shown_unit,
        title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
        projector=projector)
    return ChartView(
        kind="before_after", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
        screen_figure=screen_figure(figure),
        data=data_table(aligned, compared, names, starts), query_name="indicator_trend",
        params={"indicator": measure.indicator_id, "starts": dict(starts), "index": index},
        summary=summary(aligned, names, starts, measure), query_string=query_string,
        file_stem=f"before-after_{measure.key}_{event}_{'-'.join(starts)}", footnote=footnote,
        projector=projector)


def _mean(values) -> float | None:
    kept = [float(v) for v in values if not is_missing(v)]
    return sum(kept) / len(kept) if kept else None


def summary(aligned: pd.DataFrame, names: dict[str, str], starts: dict[str, int], measure: Measure) -> str:
    """Each country's mean in the years before and after its start, as reported (also the chart's alt text)."""
    parts = []
    for iso3, start in starts.items():
        own = aligned[aligned["iso3"] == iso3]
        before = _mean(own.loc[own["relative_year"] < 0, "value"])
        after = _mean(own.loc[own["relative_year"] > 0, "value"])
        if before is None or after is None:
            parts.append(tr("{country} (start {year}): not enough years reported on both sides to compare.",
                            country=names[iso3], year=start))
            continue
        parts.append(tr("{country} (start {year}): mean {before} in the years before, {after} in the years after, "
                        "as reported.", country=names[iso3], year=start, before=format_value(before, measure.label),
                        after=format_value(after, measure.label)))
    return " ".join([*parts, tr("Gaps are years not reported.")])


@dataclass(frozen=True)
class Settings:
    """What a before-and-after link asks for, checked against the register: the URL's parameters, read."""

    event: str = "regular"
    measure: str = "deaths"
    starts: tuple[tuple[str, int], ...] = ()  # (country, start year drawn), in the order asked for
    register: tuple[tuple[str, int], ...] = ()  # (country, the register's start year): a link names only others
    index: bool = False
    compare: bool = True
    projector: bool = False
    lang: str = i18n.DEFAULT  # the reader's language, kept in the link (only when not English)

    @property
    def countries(self) -> list[str]:
        return [iso3 for iso3, _ in self.starts]

    def to_params(self) -> dict[str, str]:
        """The link's parameters: the defaults left out, a start year only where it is not the register's."""
        params = {"page": PAGE, "countries": ",".join(self.countries), "event": self.event, "measure": self.measure}
        if self.index:
            params["index"] = "1"
        if not self.compare:
            params["compare"] = "0"
        if self.projector:
            params["projector"] = "1"
        register = dict(self.register)
        params |= {f"start_{iso3}": str(year) for iso3, year in self.starts if register.get(iso3) != year}
        if self.lang != i18n.DEFAULT:
            params["lang"] = self.lang
        return params

    def query_string(self) -> str:
        return urlencode(self.to_params(), safe=",")


def read_params(params: Mapping[str, str], claims: dict[str, dict[str, list[StartClaim]]],
                names: dict[str, str]) -> tuple[Settings, list[str]]:
    """A link's parameters (the last value of each) as settings, and notices for what was not used: never raises.
    claims: start_claims per event. A start year no source claims falls back to the register's. The language is the
    link's lang, else the one in force."""
    notices: list[str] = []
    lang = read_language(params.get("lang"), notices, default=i18n.current())
    unknown_parameters(params, KNOWN_KEYS, notices, prefixes=("start_",))
    event = read_choice(params.get("event"), tuple(EVENTS), "regular", "event", notices)
    measure = read_choice(params.get("measure"), tuple(MEASURES), "deaths", "measure", notices)
    wanted = list(dict.fromkeys(code.strip().upper() for code in str(
        params.get("countries", ",".join(DEFAULT_COUNTRIES))).split(",") if code.strip()))
    if len(wanted) > MAX_COUNTRIES:
        notices.append(tr("Only the first {first} of {count} countries were read.", first=MAX_COUNTRIES,
                          count=len(wanted)))
        wanted = wanted[:MAX_COUNTRIES]
    offered = claims[event]
    left_out = [code for code in wanted if code not in offered]
    if left_out:
        notices.append(tr("No {event} start in our register for {countries}: not drawn.",
                          event=tr(EVENT_NAMES[event]),
                          countries=", ".join(shown(names.get(code, code)) for code in left_out[:5])))
    starts, register = [], []
    for iso3 in (code for code in wanted if code in offered):
        years = [claim.year for claim in offered[iso3]]
        asked = str(params.get(f"start_{iso3}", "")).strip()
        year = int(asked) if asked.isdigit() and int(asked) in years else years[0]
        if asked and year != (int(asked) if asked.isdigit() else None):
            notices.append(tr("{country}: no source claims {asked} as the start; the register's {year} is used.",
                              country=names.get(iso3, iso3), asked=shown(asked, 8), year=years[0]))
        starts.append((iso3, year))
        register.append((iso3, years[0]))
    return Settings(event=event, measure=measure, starts=tuple(starts), register=tuple(register),
                    index=read_switch(params.get("index"), "index", notices),
                    compare=read_switch(params.get("compare"), "compare", notices, default=True),
                    projector=read_switch(params.get("projector"), "projector", notices), lang=lang), notices



def register_claims(query: QueryRunner, catalog: Catalog) -> dict[str, dict[str, list[StartClaim]]]:
    """Per event, the start years claimed for each country with HAT (from the register and its claims)."""
    hat = sorted(code for code, country in catalog.countries.items() if country.has_hat_programme)
    programmes = query("programmes", countries=hat)
    claims = query("programme_claims", countries=hat)
    return {event: start_claims(programmes, claims, event) for event in EVENTS}


def view_of(settings: Settings, query: QueryRunner, catalog: Catalog) -> ChartView:
    """The view a link's settings draw (the page, its exports, a deck slide, an embed): the measure's series for
    the countries and the countries without HAT, aligned. ValueError when the extracts lack the measure."""
    with i18n.language(settings.lang):
        return _view_of(settings, query, catalog)


def _view_of(settings: Settings, query: QueryRunner, catalog: Catalog) -> ChartView:
    measure = MEASURES[settings.measure]
    indicator = catalog.indicators.get(measure.indicator_id)
    if indicator is None:
        raise ValueError(tr("{measure}: not in these extracts.", measure=measure.shown_label))
    names = {code: country.name for code, country in catalog.countries.items()}  # in the reader's language
    without_hat = [code for code in catalog.preset("emcdda") if not catalog.countries[code].has_hat_programme]
    starts = dict(settings.starts)
    series = query("indicator_trend", indicator=indicator.indicator_id,
                   countries=sorted(set(starts) | set(without_hat)), year_from=indicator.year_min,
                   year_to=indicator.year_max, sex="total", age_group="total")
    return chart_view(series, measure, settings.event, starts, names, without_hat, index=settings.index,
                      compare=settings.compare, query_string=settings.query_string(), projector=settings.projector)

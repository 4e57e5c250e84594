"""What the extracts hold: the indicators and countries a view can ask for, and the country presets."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard import db, i18n, schema, vocabulary
from dashboard.i18n import N_


@dataclass(frozen=True)
class IndicatorText:
    """What an indicator is called and how it is defined, in one language (data/reference/indicators.csv)."""
    label: str
    definition: str
    caveat: str


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    texts: Mapping[str, IndicatorText]  # language -> its label, definition and caveat
    topic: str  # English, as in the extracts: topic_label is the reader's
    unit: str  # English, as in the extracts (code reads it: "per million"); unit_label is the reader's
    kind: str
    attribution: str
    sexes: tuple[str, ...]
    age_groups: tuple[str, ...]
    breakdowns: frozenset[str]  # 'sex/age_group' pairs that have data
    year_min: int
    year_max: int
    map_year: int  # the map's default year: the latest with near-full reporting

    @property
    def text(self) -> IndicatorText:
        return self.texts.get(i18n.current()) or self.texts[i18n.ENGLISH]

    @property
    def label(self) -> str:
        """'Drug-induced deaths per million aged 15-64', in the reader's language."""
        return self.text.label

    @property
    def definition(self) -> str:
        return self.text.definition

    @property
    def caveat(self) -> str:
        return self.text.caveat

    @property
    def unit_label(self) -> str:
        return vocabulary.unit(self.unit)

    @property
    def topic_label(self) -> str:
        return vocabulary.topic(self.topic)


@dataclass(frozen=True)
class Country:
    iso3: str
    name_en: str
    name_no: str
    eu27: bool
    nordic: bool
    emcdda_reporting: bool
    has_hat_programme: bool
    on_map: bool
    part_of: str | None = None  # a part of a country (England and Wales): the state's ISO-3

    @property
    def name(self) -> str:
        """The country's name in the reader's language."""
        return self.name_no if i18n.current() == i18n.NORWEGIAN and self.name_no else self.name_en

    @property
    def picker_label(self) -> str:
        """'Switzerland (Sveits)', in Norwegian 'Sveits (Switzerland)': a picker's search matches what it shows, so
        either language finds it."""
        other = self.name_en if self.name == self.name_no else self.name_no
        return f"{self.name} ({other})" if other and other != self.name else self.name


PRESET_LABELS = {
    "emcdda": N_("EMCDDA reporting countries (EU-28, Norway, Turkey)"),
    "all": N_("All countries"),
    "eu27": N_("EU-27"),
    "nordic": N_("Nordic countries"),
    "hat": N_("Countries with a HAT programme"),
}
AGE_ORDER = schema.AGE_GROUPS


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    countries: dict[str, Country]
    # Why there are no indicators, when the statistics extracts are broken (programme pages still work).
    indicators_problem: str | None = None

    def picker_label(self, iso3: str) -> str:
        """A country's name in a picker, in both languages (Country.picker_label)."""
        return self.countries[iso3].picker_label

    def preset(self, name: str) -> tuple[str, ...]:
        """The ISO-3 codes of a named country preset, in name order."""
        return self._presets[name]

    @functools.cached_property
    def _presets(self) -> dict[str, tuple[str, ...]]:
        # Worked out once per catalog (a filter change compares the selection with every preset).
        rules = {
            "all": lambda c: c.part_of is None,  # countries; their parts (England and Wales) are picked by name
            "emcdda": lambda c: c.emcdda_reporting,
            "eu27": lambda c: c.eu27,
            "nordic": lambda c: c.nordic,
            "hat": lambda c: c.has_hat_programme,
        }
        by_name = sorted(self.countries.values(), key=lambda c: c.name_en)
        return {name: tuple(c.iso3 for c in by_name if rule(c)) for name, rule in rules.items()}


def load_catalog(connection: db.Connection) -> Catalog:
    countries = {
        row.iso3: Country(iso3=row.iso3, name_en=row.name_en, name_no=row.name_no, eu27=bool(row.eu27),
                          nordic=bool(row.nordic), emcdda_reporting=bool(row.emcdda_reporting),
                          has_hat_programme=bool(row.has_hat_programme), on_map=bool(row.on_map),
                          part_of=row.part_of if isinstance(row.part_of, str) else None)
        for row in db.run_query(connection, "country_catalog").itertuples(index=False)
    }
    try:
        rows = db.run_query(connection, "indicator_catalog")
    except db.DataUnavailable as error:
        # its Problem, not str(error): English in the log, the reader's language where a page shows it (db.shown)
        problem = error.args[0] if error.args else str(error)
        return Catalog(indicators={}, countries=countries, indicators_problem=problem)
    indicators = {}
    for row in rows.itertuples(index=False):
        ages = sorted(row.age_groups, key=lambda a: AGE_ORDER.index(a) if a in AGE_ORDER else len(AGE_ORDER))
        indicators[row.indicator_id] = Indicator(
            indicator_id=row.indicator_id, topic=row.topic, unit=row.unit, kind=row.kind,
            texts={i18n.ENGLISH: IndicatorText(row.label, row.definition, row.caveat),
                   i18n.NORWEGIAN: IndicatorText(row.label_no, row.definition_no, row.caveat_no)},
            attribution=row.attribution or "",
            sexes=tuple(sorted(row.sexes, key=schema.SEXES.index)), age_groups=tuple(ages),
            breakdowns=frozenset(row.breakdowns),
            year_min=int(row.year_min), year_max=int(row.year_max), map_year=int(row.map_year))
    return Catalog(indicators=indicators, countries=countries)

"""What the data says in Norwegian: indicator labels, definitions and caveats, flag labels, units and topics, and
country names in every row a query returns for a reader of Norwegian."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from dashboard import catalog as catalog_module
from dashboard import db, i18n, settings, vocabulary
from dashboard.build import cities, claims, national, register
from dashboard.figures import programmes as programme_figures
from tests.fixture_data import ELIGIBILITY_NO, FLAGGED_RATE, RATE, RATE_LABEL, RATE_LABEL_NO

REFERENCE = settings.REPO_ROOT / "data" / "reference"


@pytest.fixture(scope="module")
def catalog(connection):
    return catalog_module.load_catalog(connection)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_indicator_has_its_label_definition_and_caveat_in_norwegian():
    for row in _rows("indicators.csv"):
        for column in ("label", "definition", "caveat"):
            norwegian = row[f"{column}_no"].strip()
            assert norwegian and norwegian != row[column], (row["indicator_id"], column)
        # every number a journalist quotes from a definition or caveat survives the translation (digits counted
        # apart from their separators: '0.8%' is '0,8 %', '100,000' is '100 000', 'DRD-7' stays)
        english = Counter(re.findall(r"\d+", row["definition"] + row["caveat"]))
        norwegian = Counter(re.findall(r"\d+", row["definition_no"] + row["caveat_no"]))
        assert not english - norwegian, (row["indicator_id"], english - norwegian)


def test_every_flag_has_its_label_and_explanation_in_norwegian():
    for row in _rows("quality_flags.csv"):
        assert row["label_no"].strip() and row["label_no"] != row["label"], row["flag"]
        assert row["explanation_no"].strip() and row["explanation_no"] != row["explanation"], row["flag"]


def test_every_unit_and_topic_of_the_indicators_is_in_the_vocabulary_and_translated():
    rows = _rows("indicators.csv")
    assert {row["unit"] for row in rows} <= vocabulary.UNITS
    assert {row["topic"] for row in rows} <= vocabulary.TOPICS
    with i18n.language("nb"):
        assert vocabulary.unit("deaths per million aged 15-64") == "dødsfall per million innbyggere 15–64 år"
        assert vocabulary.topic("Drug-induced deaths") == "Narkotikautløste dødsfall"
        assert vocabulary.unit("furlongs") == "furlongs"  # one we do not know, as is
    assert vocabulary.unit("deaths per million aged 15-64") == "deaths per million aged 15-64"


def test_an_indicator_speaks_the_readers_language_and_keeps_its_unit_for_the_code(catalog):
    indicator = catalog.indicators[RATE]
    assert indicator.label == RATE_LABEL
    with i18n.language("nb"):
        assert indicator.label == RATE_LABEL_NO
        assert indicator.definition.startswith("Dødsfall")
        assert indicator.unit == "deaths per million aged 15-64"  # read by code ("per million")
        assert indicator.unit_label == "dødsfall per million innbyggere 15–64 år"
    assert indicator.unit_label == indicator.unit


def _map(connection: db.Connection, **params):
    return db.run_query(connection, "indicator_map", indicator=RATE, countries=["NOR", "DNK", "CHE"],
                        year=FLAGGED_RATE[1], sex="total", age_group="total", **params)


def test_a_query_names_countries_and_flags_in_the_readers_language(connection):
    english = _map(connection).set_index("iso3")
    with i18n.language("nb"):
        norwegian = _map(connection).set_index("iso3")
    assert english.at["DNK", "country"] == "Denmark" and norwegian.at["DNK", "country"] == "Danmark"
    assert english.at["CHE", "country"] == "Switzerland" and norwegian.at["CHE", "country"] == "Sveits"
    assert english.at["DNK", "value_note"].startswith("Not the EMCDDA rate")
    assert norwegian.at["DNK", "value_note"].startswith("Ikke EMCDDAs rate")
    assert norwegian.at["DNK", "value"] == english.at["DNK", "value"]  # the numbers do not change


def test_a_callers_language_wins_and_the_parameter_is_bound_never_formatted(connection):
    with i18n.language("nb"):
        chosen = _map(connection, lang="en").set_index("iso3")
    assert chosen.at["CHE", "country"] == "Switzerland"
    assert db.with_language("indicator_map", {"lang": "en"}) == {"lang": "en"}
    assert db.with_language("source_list", {}) == {}  # a query that does not speak a language gets none
    assert "$lang" in db.load_query("indicator_map") and "'nb'" in db.load_query("indicator_map")


def test_the_flag_list_and_profile_labels_in_norwegian(connection):
    with i18n.language("nb"):
        flags = db.run_query(connection, "quality_flag_list").set_index("flag")
        profile = db.run_query(connection, "country_profile", iso3="DNK", peers=["NOR", "SWE"])
    assert flags.at["rate_from_all_ages_deaths", "label"].startswith("Ikke EMCDDAs rate")
    assert flags.at["rate_from_all_ages_deaths", "explanation"] == "Aldersgruppene mangler."
    assert RATE_LABEL_NO in set(profile["label"])


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_shipped_catalog_has_every_indicator_in_both_languages(shipped_connection, lang):
    loaded = catalog_module.load_catalog(shipped_connection)
    with i18n.language(lang):
        labels = [indicator.label for indicator in loaded.indicators.values()]
    assert len(labels) == len(set(labels)) == len(_rows("indicators.csv"))
    if lang == "nb":
        assert "Narkotikautløste dødsfall" in labels


# The reference files whose prose a reader sees, and the columns with Norwegian beside them (the build reads the
# same lists: dashboard/build/*.py).
TRANSLATED_FILES = {
    "programmes.csv": ("programme_id", register.PROGRAMME_TRANSLATED),
    "programme_claims.csv": ("claim_id", register.CLAIM_TRANSLATED),
    "claims.csv": ("claim_id", claims.REGISTER_TRANSLATED),
    "hat_cities.csv": ("city", cities.CITY_FIGURE_TRANSLATED),
    "national_figures.csv": ("iso3", national.NATIONAL_TRANSLATED),
}


@pytest.mark.parametrize("name", sorted(TRANSLATED_FILES))
def test_the_registers_prose_is_in_norwegian_with_every_number_kept(name):
    key, columns = TRANSLATED_FILES[name]
    for row in _rows(name):
        for column in columns:
            english, norwegian = row[column].strip(), row[f"{column}_no"].strip()
            assert bool(english) == bool(norwegian), (name, row[key], column)
            if not english:
                continue
            # digits counted apart from their separators ('1,035' is '1 035', '87.8%' is '87,8 %'); a gloss of a
            # quote may be left out in Norwegian where the quote itself (in its own language) holds the numbers
            kept = Counter(re.findall(r"\d+", norwegian + " " + row.get("quote", "")))
            assert not Counter(re.findall(r"\d+", english)) - kept, (name, row[key], column)
            assert not re.search(r"\d,\d{3}\b", norwegian), (name, row[key], column, "English thousands comma")


def test_a_status_the_app_names_is_worded_as_the_catalog_words_it():
    with i18n.language("nb"):
        words = {english: i18n.tr(message) for english, message in programme_figures.STATUS_WORDS.items()}
    for row in _rows("programmes.csv"):
        if row["status"] in words:
            assert row["status_no"] == words[row["status"]], row["programme_id"]


def test_the_register_speaks_the_readers_language(connection):
    """Programmes, their disputed claims, city figures and the claim register, in either language, from the
    *_no columns; the numbers, names and quotes do not change."""
    names = ("programmes", "programme_claims", "programme_sources")
    english = {name: db.run_query(connection, name, countries=["DNK", "NOR"]) for name in names}
    with i18n.language("nb"):
        norwegian = {name: db.run_query(connection, name, countries=["DNK", "NOR"]) for name in names}
        cities_nb = db.run_query(connection, "hat_cities", measures=["patients", "places"])
        register_nb = db.run_query(connection, "claim_register").set_index("claim_id")
        markers_nb = db.run_query(connection, "programme_markers", countries=["DNK"], year=2015)
    programmes_en, programmes_nb = (frame["programmes"].set_index("programme_id") for frame in (english, norwegian))
    assert programmes_en.at["DK-REGULAR", "eligibility"] == "severe opioid dependence"
    assert programmes_nb.at["DK-REGULAR", "eligibility"] == ELIGIBILITY_NO
    assert programmes_nb.at["DK-REGULAR", "country"] == "Danmark"
    assert programmes_nb.at["DK-REGULAR", "conflict_flag"] == "ja: start 2009 eller 2010"
    assert programmes_nb.at["NO-PILOT", "patients"] == "100 i behandling"
    assert programmes_nb.at["NO-PILOT", "programme_name"] == programmes_en.at["NO-PILOT", "programme_name"]
    assert (programmes_nb["patients_numeric"].fillna(-1) == programmes_en["patients_numeric"].fillna(-1)).all()
    claims_nb = norwegian["programme_claims"].set_index(["programme_id", "claimed_value"])
    assert claims_nb.at[("DK-REGULAR", "2010"), "note"] == "Den første klinikken åpnet i februar 2010."
    assert set(norwegian["programme_sources"]["country"]) == {"Danmark", "Norge"}
    assert list(norwegian["programme_sources"]["quote"]) == list(english["programme_sources"]["quote"])
    assert set(cities_nb["counts_what"]) >= {"pasienter i Oslo", "behandlingsplasser i Copenhagen"}
    assert register_nb.at["FX-NOR-2015-RATE", "reason"].endswith("er 85,0.")
    assert register_nb.at["FX-NOR-2015-RATE", "quote"].startswith("Norway had 85 deaths")  # as printed
    assert register_nb.at["FX-NOR-2015-RATE", "country"] == "Norge"
    assert set(markers_nb["country"]) == {"Danmark"}


def test_a_national_figure_says_its_definition_in_norwegian(shipped_connection):
    with i18n.language("nb"):
        rows = db.run_query(shipped_connection, "indicator_trend", indicator="national_drug_deaths",
                            countries=["NOR"], year_from=2010, year_to=2023, sex="total", age_group="total")
    note = rows.loc[rows["year"] == 2018, "value_note"].iloc[0]
    assert "(Norge): " in note and "narkotikautløste dødsfall" in note
    assert "F11-F12" in note  # the ICD-10 codes as FHI writes them

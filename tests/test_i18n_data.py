"""What the data says in Norwegian: indicator labels, definitions and caveats, flag labels, units and topics, and
country names in every row a query returns for a reader of Norwegian."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from dashboard import catalog as catalog_module
from dashboard import db, i18n, settings, vocabulary
from tests.fixture_data import FLAGGED_RATE, RATE, RATE_LABEL, RATE_LABEL_NO

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

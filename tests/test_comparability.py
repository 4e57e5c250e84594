"""What a chart of several countries says before they are compared (dashboard/comparability.py), on the fixture
extracts: Denmark's 2010 rate is flagged as not the EMCDDA's, Denmark reported 0 deaths in 2013 (a rate from
fewer than 20 deaths), Sweden reported nothing for 2012."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import comparability, content, i18n, ranks
from dashboard.state import from_query_string
from tests import fixture_data as fx
from tests.apptest_support import open_page


@pytest.fixture(scope="module")
def reader(connection):
    return content.DirectReader(connection)


def notes_of(reader, query: str) -> comparability.Comparability:
    state, notices = from_query_string(query, reader.load_catalog())
    assert not notices
    return content.map_content(reader, state).comparability


def test_a_flagged_rate_is_named_with_its_label_country_and_year(reader):
    found = notes_of(reader, f"page=map&indicator={fx.RATE}&countries=NOR,SWE,DNK&year=2010")
    flags = [note for note in found.notes if note.kind == "flag"]
    assert [note.text for note in flags] == [f"{fx.FLAG_LABEL['rate_from_all_ages_deaths']}: Denmark (2010)."]
    assert found.brief == "Before comparing: 2 notes on these values, for Denmark."


def test_a_rate_from_few_deaths_gives_its_interval(reader):
    found = notes_of(reader, f"page=map&indicator={fx.RATE}&countries=NOR,SWE,DNK&year=2013")
    (small,) = [note for note in found.notes if note.kind == "small_numbers"]
    high = ranks.poisson_interval(0)[1] / 3.7
    assert small.countries == ("Denmark",)
    assert f"Denmark (0 deaths in 2013: 95% interval 0.0–{high:.1f})" in small.text
    definitions = [note for note in found.notes if note.kind == "definitions"]
    assert definitions and "not directly comparable" in definitions[0].text


def test_one_country_needs_no_notes(reader):
    assert notes_of(reader, f"page=map&indicator={fx.RATE}&countries=DNK&year=2010") == comparability.Comparability(
        "", ())


def test_counts_get_no_small_number_note_and_missing_years_are_not_notes(reader):
    found = notes_of(reader, f"page=map&indicator={fx.COUNT}&countries=NOR,SWE,DNK&year=2012")
    assert not [note for note in found.notes if note.kind == "small_numbers"]
    assert "Sweden" not in found.brief


def test_a_value_the_source_withheld_is_noted_by_its_flag():
    data = pd.DataFrame([{"country": "Estonia", "year": 2019, "value": None, "flag": "c"},
                         {"country": "Latvia", "year": 2019, "value": 40.0, "flag": None},
                         {"country": "Lithuania", "year": 2019, "value": 50.0, "flag": "p"}])
    found = comparability.comparability(data, topic="Causes of death")
    texts = [note.text for note in found.notes if note.kind == "source_flag"]
    assert texts == ["Flagged by the source 'c' (confidential): Estonia (2019).",
                     "Flagged by the source 'p' (provisional): Lithuania (2019)."]


def test_the_map_page_says_it_under_the_chart_and_the_data_page_in_full():
    app = open_page("map", indicator=fx.RATE, countries="NOR,SWE,DNK", year="2010")
    (panel,) = [e for e in app.expander if e.label.startswith("Before comparing")]
    assert panel.label == "Before comparing: 2 notes on these values, for Denmark."
    data = open_page("data", indicator=fx.RATE, countries="NOR,SWE,DNK")
    notes = [frame.value for frame in data.dataframe if list(frame.value.columns) == ["what", "countries", "note"]]
    assert notes and "Denmark" in " ".join(notes[0]["countries"])


def test_national_definitions_are_named_in_the_readers_language():
    """Found by the value's flag, not by its English words: the Norwegian note said nothing of them before."""
    data = pd.DataFrame([{"country": country, "year": 2020, "value": value, "quality_flags": "national_definition",
                          "value_note": f"Som publisert av nasjonal myndighet, med egen definisjon; {who}: {what}"}
                         for country, value, who, what in [
                             ("Norge", 331.0, "FHI (Norge)", "narkotikautløste dødsfall i henhold til EMCDDA"),
                             ("Sverige", 500.0, "Socialstyrelsen (Sverige)", "narkotikarelaterte dødsfall")]])
    with i18n.language("nb"):
        found = comparability.comparability(data, topic="National figures as published")
    (note,) = [note.text for note in found.notes if note.kind == "definitions" and "Norge:" in note.text]
    assert "Norge: narkotikautløste dødsfall i henhold til EMCDDA" in note
    assert "Sverige: narkotikarelaterte dødsfall" in note and note.startswith("Hver nasjonal myndighet")

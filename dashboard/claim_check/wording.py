"""What a check says: the reason in full with every source, and in a sentence or two."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard.claim_check.series import COUNTS, DEFAULT_COUNTS, candidate_order, format_number

if TYPE_CHECKING:
    from dashboard.claim_check.numbers import Candidate, Claim


def _about(candidate: Candidate) -> str:
    notes = []
    if candidate.series.startswith("ihme"):
        notes.append("a statistical model, not a count of registered deaths")
    if "age-standardised" in candidate.unit:
        notes.append("age-standardised")
    if candidate.series.startswith("national"):
        notes.append("as published by the national authority, with its own definition")
    if candidate.series.startswith("eurostat"):
        notes.append("underlying cause coded as drug dependence, which leaves out most overdoses")
    return f" ({'; '.join(notes)})" if notes else ""


def _held(candidate: Candidate) -> str:
    """'the EMCDDA-method rate ... for Norway in 2015, 81.3 deaths per million aged 15-64 (...)'."""
    return (f"{candidate.label}{_about(candidate)} for {candidate.place} in {candidate.year}: "
            f"{candidate.shown()}; source: {candidate.source.rstrip('.')}")


def explain(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
             this_year: list[Candidate], other_years: list[Candidate], every: list[Candidate]) -> str:
    value = claim.value_text
    lines = []
    if verdict == "matches":
        lines.append(f"{value} {claim.unit_label} matches {_held(matched)}.")
        others = [c for c in same if c is not matched and c.agreement != "matches"]
        if others:
            lines.append("Other series of the same unit say otherwise: "
                         + "; ".join(f"{c.label}: {format_number(c.value, c.unit)}" for c in others[:3]) + ".")
    elif verdict == "not_comparable":
        relation = {"different_denominator": f"a rate of {matched.unit}, not {claim.unit_label}",
                    "different_unit": f"{matched.unit}, not {claim.unit_label}",
                    "different_definition": f"{matched.label.lower()}, not {COUNTS[claim.counts]}",
                    "part_of_country": f"the figure of {matched.place}, a part of {claim.country} only",
                    }[matched.relation]
        if matched.agreement == "matches":
            lines.append(f"{value} is {relation}: it matches {_held(matched)}.")
        else:
            side = "above" if matched.difference_pct > 0 else "below"
            lines.append(f"{value} fits no series of {claim.unit_label} but comes within 5% of {_held(matched)} "
                         f"({abs(matched.difference_pct):.1f}% {side}): most likely {relation}.")
        lines.append(_as_claimed(claim, same))
    elif verdict == "close":
        side = "above" if matched.difference_pct > 0 else "below"
        lines.append(f"{value} is within 5% of, but not equal at its rounding to, {_held(matched)}: "
                     f"{abs(matched.difference_pct):.1f}% {side}.")
    elif verdict == "contradicts":
        side = "above" if matched.difference_pct > 0 else "below"
        lines.append(f"{value} {claim.unit_label} does not fit the series we hold for {claim.country} in "
                     f"{claim.year}: {_held(matched)}; the claim is {abs(matched.difference_pct):.0f}% {side} it.")
        others = [c for c in same if c is not matched]
        if others:
            lines.append("Other series of that unit: " + "; ".join(
                f"{c.label}: {format_number(c.value, c.unit)} {c.unit}" for c in others[:3]) + ".")
    else:
        missing = sorted({c.label for c in this_year if c.relation == "same" and c.value is None})
        reported = f" ({', '.join(missing)} is reported as missing)" if missing else ""
        lines.append(f"We hold no value in {claim.unit_label} for {claim.country} in {claim.year}{reported}; "
                     f"a missing year is never read as zero.")
        nearby = nearest_years(claim, every)
        if nearby:
            lines.append("Nearest years: " + "; ".join(
                f"{c.label}, {c.year}: {format_number(c.value_in_claim_unit, claim.unit_label)} {claim.unit_label}"
                for c in nearby) + ".")
        elsewhere = [c for c in this_year if c.value is not None][:3]
        if elsewhere:
            lines.append(f"For {claim.year} we hold other measures: " + "; ".join(
                f"{c.label} ({c.place}): {format_number(c.value, c.unit)} {c.unit}" for c in elsewhere) + ".")
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        lines.append(f"The claim may quote another year: {value} " + "; ".join(
            ("is" if hit.agreement == "matches" else f"is within {abs(hit.difference_pct):.1f}% of")
            + f" the {hit.year} value of {hit.label} for {hit.place} "
              f"({format_number(hit.value, hit.unit)} {hit.unit})" for hit in hints) + ".")
    if matched is not None and matched.flags:
        lines.append(f"Flags on that value: {', '.join(matched.flags)}.")
    if claim.unit in ("per_million", "per_100k") and any(c.series == "emcdda_rate_15_64" for c in this_year):
        lines.append("The EMCDDA publishes its rate per million aged 15-64; press reports often call it 'per "
                     "million inhabitants'.")
    return " ".join(lines)


def summarise(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
             other_years: list[Candidate], nearest: list[Candidate]) -> str:
    """The reason in a sentence or two: what the number is, or is not, and the figure as claimed."""
    value = claim.value_text
    if matched is None:
        text = f"We hold no figure in {claim.unit_label} for {claim.country} in {claim.year}."
    else:
        held = f"{matched.label} for {matched.place} in {matched.year}: {matched.shown()}"
        side = "" if matched.difference_pct is None else (
            f"{abs(matched.difference_pct):.1f}% {'above' if matched.difference_pct > 0 else 'below'}")
        if verdict == "matches":
            text = f"{value} matches {held}."
        elif verdict == "close":
            text = f"{value} is {side} {held}, not equal at its rounding."
        elif verdict == "contradicts":
            text = f"{value} does not fit {held} ({side})."
        else:
            kind = {"different_denominator": "another denominator", "different_unit": "another unit",
                    "different_definition": "another definition", "part_of_country": "a part of the country"}
            text = (f"{value} {'is' if matched.agreement == 'matches' else 'is near'} a figure of "
                    f"{kind[matched.relation]}: {held}. {_as_claimed(claim, same)}")
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        hit = hints[0]
        place = "" if hit.iso3 == claim.iso3 else f" for {hit.place}"
        text += (f" It {'is' if hit.agreement == 'matches' else 'is near'} the {hit.year} value of {hit.label}"
                 f"{place} ({format_number(hit.value, hit.unit)} {hit.unit}).")
    elif verdict == "no_data" and nearest:
        text += " Nearest years: " + "; ".join(
            f"{c.label}, {c.year}: {format_number(c.value_in_claim_unit, claim.unit_label)} {claim.unit_label}"
            for c in nearest[:2]) + "."
    return text


def _year_hints(verdict: str, matched: Candidate | None, other_years: list[Candidate]) -> list[Candidate]:
    """Other years worth naming: any that fit when nothing fits this year, else only exact fits when this
    year's best is not exact (an exact match this year makes another year's a coincidence)."""
    if verdict in ("contradicts", "no_data"):
        picked = other_years
    elif matched is not None and matched.agreement != "matches":
        picked = [c for c in other_years if c.agreement == "matches"]
    else:
        picked = []
    hints: list[Candidate] = []
    for hit in picked:
        if len(hints) < 2 and all(hit.year != shown.year for shown in hints):
            hints.append(hit)
    return hints


def _as_claimed(claim: Claim, same: list[Candidate]) -> str:
    """What the series of the claim's own unit say: 'As deaths per million inhabitants, Norway had 55.6 (...)'."""
    if not same:
        return f"We hold no figure in {claim.unit_label} for {claim.country} in {claim.year}."
    counted = "" if claim.counts == DEFAULT_COUNTS else f" ({COUNTS[claim.counts]})"
    return (f"As {claim.unit_label}{counted}, {claim.country} had "
            + "; ".join(f"{format_number(c.value_in_claim_unit, claim.unit_label)} ({c.label})" for c in same[:3])
            + f" in {claim.year}.")


def nearest_years(claim: Claim, every: list[Candidate]) -> list[Candidate]:
    """For each series of the claim's unit, the year with a value nearest to the claim's year."""
    best: dict[str, Candidate] = {}
    for candidate in every:
        if candidate.relation != "same" or candidate.value is None:
            continue
        held = best.get(candidate.series)
        if held is None or abs(candidate.year - claim.year) < abs(held.year - claim.year):
            best[candidate.series] = candidate
    return sorted(best.values(), key=candidate_order)[:3]


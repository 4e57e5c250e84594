-- per_capita_rates: counts of people (clients in opioid substitution treatment, treatment entrants) per 100,000
--          people aged 15-64, from the EMCDDA counts and the UN WPP population of the same country and year.
--          The build runs this on its own in-memory tables (dashboard/build/rates.py).
-- params:  none. Reads counts (iso3, year, indicator_id, value, source_id, country_note: the all-sexes, all-ages
--          rows of the count series) and population (iso3, year, pop_15_64, is_projection)
-- returns: one row per count with a population: iso3, year, indicator_id (the count's, '_per_100k_15_64'
--          added), value (count / population 15-64 x 100,000), numerator (the count), denominator (the
--          population), source_id (the count's), country_note, projected_population
select
    c.iso3, c.year, c.indicator_id || '_per_100k_15_64' as indicator_id,
    c.value / p.pop_15_64 * 100000 as value, c.value as numerator, p.pop_15_64 as denominator,
    c.source_id, c.country_note, p.is_projection as projected_population
from counts c
join population p on p.iso3 = c.iso3 and p.year = c.year
where c.value is not null and p.pop_15_64 > 0
order by c.indicator_id, c.iso3, c.year

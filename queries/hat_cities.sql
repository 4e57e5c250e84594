-- hat_cities: the cities that run or ran heroin-assisted treatment, each sourced figure (patients, places,
--             a trial's participants, entrants) beside the city's population, and their programme.
-- params:  $measures varchar[] (which figures: patients, places, participants, entrants),
--          $lang varchar (nb: names and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per city figure: city, iso3, country, programme_id, programme_name, programme_name_en, phase,
--          start_year (the programme's), end_year, status, medication_form, eligibility, outcomes (what the
--          programme's evaluation found; its source in programme_sources), measure, value, as_of, as_of_year,
--          counts_what, note (how the figure was read: a lower bound, an inferred year), per_100k (value per 100,000 inhabitants of the city: value / population
--          x 100,000), population, population_year, population_date, population_area, population_publisher,
--          population_url, population_quote, source_title, source_url, quote, accessed, latest (the city's newest
--          figure of this measure)
select
    c.city, c.iso3, case when $lang = 'nb' then coalesce(n.name_no, n.name_en) else n.name_en end as country, c.programme_id, p.programme_name, p.programme_name_en, p.phase,
    p.start_year, p.end_year,
    case when $lang = 'nb' then p.status_no else p.status end as status,
    case when $lang = 'nb' then p.medication_form_no else p.medication_form end as medication_form,
    case when $lang = 'nb' then p.eligibility_no else p.eligibility end as eligibility,
    case when $lang = 'nb' then p.outcomes_no else p.outcomes end as outcomes,
    c.measure, c.value, c.as_of, c.as_of_year,
    case when $lang = 'nb' then c.counts_what_no else c.counts_what end as counts_what,
    case when $lang = 'nb' then c.note_no else c.note end as note,
    c.value * 100000.0 / c.population as per_100k, c.population, c.population_year,
    c.population_date, c.population_area, c.population_publisher, c.population_url, c.population_quote,
    c.source_title, c.source_url, c.quote, c.accessed,
    row_number() over (partition by c.city, c.measure order by c.as_of_year desc, c.as_of desc) = 1 as latest
from hat_cities c
join programmes p using (programme_id)
join countries n on n.iso3 = c.iso3
where list_contains($measures, c.measure)
order by c.city, c.measure, c.as_of_year desc, c.as_of desc

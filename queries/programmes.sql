-- programmes: heroin-assisted treatment programmes in the selected countries, with every source.
-- params:  $countries varchar[],
--          $lang varchar (nb: names and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per programme: programme_id, iso3, country, city_or_sites, programme_name, programme_name_en,
--          programme_type, phase, display_group (how it is drawn), treated_patients, start_year, start_date,
--          end_year, end_date, status, status_as_of, patients_numeric, patients_numeric_year,
--          patients_numeric_basis, patients, eligibility, medication_form, capacity_note, conflict_flag, notes,
--          outcomes (what its evaluation found),
--          source_titles, source_urls (all of the programme's sources; per field in programme_sources)
select
    p.programme_id, p.iso3,
    case when $lang = 'nb' then coalesce(n.name_no, n.name_en) else n.name_en end as country,
    p.city_or_sites, p.programme_name, p.programme_name_en, p.programme_type,
    p.phase, p.display_group, p.treated_patients, p.start_year, p.start_date, p.end_year, p.end_date, p.status,
    p.status_as_of, p.patients_numeric, p.patients_numeric_year, p.patients_numeric_basis, p.patients,
    p.eligibility, p.medication_form, p.capacity_note, p.conflict_flag, p.notes, p.outcomes, p.source_titles,
    p.source_urls
from programmes p
join countries n on n.iso3 = p.iso3
where list_contains($countries, p.iso3)
order by country, coalesce(p.start_year, p.end_year), p.programme_id

-- programmes: heroin-assisted treatment programmes in the selected countries, with every source.
-- params:  $countries varchar[],
--          $lang varchar (nb: country names and the register's prose in Norwegian, from the *_no columns;
--          NULL or en: English; programme names, dates and sources are never translated)
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
    case when $lang = 'nb' then p.city_or_sites_no else p.city_or_sites end as city_or_sites,
    p.programme_name, p.programme_name_en,
    case when $lang = 'nb' then p.programme_type_no else p.programme_type end as programme_type,
    p.phase, p.display_group, p.treated_patients, p.start_year, p.start_date, p.end_year, p.end_date,
    case when $lang = 'nb' then p.status_no else p.status end as status,
    p.status_as_of, p.patients_numeric, p.patients_numeric_year,
    case when $lang = 'nb' then p.patients_numeric_basis_no else p.patients_numeric_basis end as patients_numeric_basis,
    case when $lang = 'nb' then p.patients_no else p.patients end as patients,
    case when $lang = 'nb' then p.eligibility_no else p.eligibility end as eligibility,
    case when $lang = 'nb' then p.medication_form_no else p.medication_form end as medication_form,
    case when $lang = 'nb' then p.capacity_note_no else p.capacity_note end as capacity_note,
    case when $lang = 'nb' then p.conflict_flag_no else p.conflict_flag end as conflict_flag,
    case when $lang = 'nb' then p.notes_no else p.notes end as notes,
    case when $lang = 'nb' then p.outcomes_no else p.outcomes end as outcomes,
    p.source_titles, p.source_urls
from programmes p
join countries n on n.iso3 = p.iso3
where list_contains($countries, p.iso3)
order by country, coalesce(p.start_year, p.end_year), p.programme_id

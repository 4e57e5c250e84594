-- facts_known_keys: every fact names a known country, indicator and source, and a plausible year.
-- params:  none
-- returns: one row per offending fact: problem
select 'fact with unknown country ' || coalesce(f.iso3, 'NULL') as problem
from facts f anti join countries c on f.iso3 = c.iso3
union all
select 'fact with unknown indicator ' || coalesce(f.indicator_id, 'NULL')
from facts f anti join indicators i on f.indicator_id = i.indicator_id
union all
select 'fact without a known source: ' || f.iso3 || ' ' || f.year || ' ' || f.indicator_id
from facts f anti join sources s on f.source_id = s.source_id
union all
select 'fact year out of range: ' || f.iso3 || ' ' || coalesce(f.year::varchar, 'NULL') || ' ' || f.indicator_id
from facts f
where f.year is null or f.year not between 1950 and 2100
union all
select 'fact with unknown sex or age group: ' || f.sex || ' / ' || f.age_group
from facts f
where f.sex not in ('total', 'male', 'female')
   or f.age_group not in ('total', '<15', '15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54',
                          '55-59', '60-64', '65+', '15-29', '30-44', '45-64')

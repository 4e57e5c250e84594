-- facts_known_keys: every fact names a known country, indicator and source, and a plausible year.
-- params:  $sexes varchar[], $age_groups varchar[] (bound by dashboard/contracts.py from dashboard/schema.py)
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
where not list_contains($sexes, f.sex) or not list_contains($age_groups, f.age_group)

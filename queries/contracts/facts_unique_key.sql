-- facts_unique_key: one fact per country, year, indicator, sex and age group.
-- params:  none
-- returns: one row per duplicated key: problem
select 'duplicate fact ' || iso3 || ' ' || year || ' ' || indicator_id || ' ' || sex || ' ' || age_group
       || ' (' || count(*) || ' rows)' as problem
from facts
group by iso3, year, indicator_id, sex, age_group
having count(*) > 1

-- facts_grain: one row per iso3, year, indicator_id, sex, age_group in facts.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate facts row ' || coalesce(iso3::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL') || ' ' || coalesce(indicator_id::varchar, 'NULL') || ' ' || coalesce(sex::varchar, 'NULL') || ' ' || coalesce(age_group::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from facts
group by iso3, year, indicator_id, sex, age_group
having count(*) > 1
union all
select 'facts row with NULL in its key ' || coalesce(iso3::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL') || ' ' || coalesce(indicator_id::varchar, 'NULL') || ' ' || coalesce(sex::varchar, 'NULL') || ' ' || coalesce(age_group::varchar, 'NULL')
from facts
where iso3 is null or year is null or indicator_id is null or sex is null or age_group is null

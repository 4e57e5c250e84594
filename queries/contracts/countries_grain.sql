-- countries_grain: one row per iso3 in countries.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate countries row ' || coalesce(iso3::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from countries
group by iso3
having count(*) > 1
union all
select 'countries row with NULL in its key ' || coalesce(iso3::varchar, 'NULL')
from countries
where iso3 is null

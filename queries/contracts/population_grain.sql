-- population_grain: one row per iso3, year in population.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate population row ' || coalesce(iso3::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from population
group by iso3, year
having count(*) > 1
union all
select 'population row with NULL in its key ' || coalesce(iso3::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL')
from population
where iso3 is null or year is null

-- hat_cities_grain: one row per city, programme_id, measure, as_of in hat_cities.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate hat_cities row ' || coalesce(city::varchar, 'NULL') || ' ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(measure::varchar, 'NULL') || ' ' || coalesce(as_of::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from hat_cities
group by city, programme_id, measure, as_of
having count(*) > 1
union all
select 'hat_cities row with NULL in its key ' || coalesce(city::varchar, 'NULL') || ' ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(measure::varchar, 'NULL') || ' ' || coalesce(as_of::varchar, 'NULL')
from hat_cities
where city is null or programme_id is null or measure is null or as_of is null

-- programme_sites_grain: one row per programme_id, site in programme_sites.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate programme_sites row ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(site::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from programme_sites
group by programme_id, site
having count(*) > 1
union all
select 'programme_sites row with NULL in its key ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(site::varchar, 'NULL')
from programme_sites
where programme_id is null or site is null

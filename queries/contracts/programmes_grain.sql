-- programmes_grain: one row per programme_id in programmes.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate programmes row ' || coalesce(programme_id::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from programmes
group by programme_id
having count(*) > 1
union all
select 'programmes row with NULL in its key ' || coalesce(programme_id::varchar, 'NULL')
from programmes
where programme_id is null

-- sources_grain: one row per source_id in sources.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate sources row ' || coalesce(source_id::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from sources
group by source_id
having count(*) > 1
union all
select 'sources row with NULL in its key ' || coalesce(source_id::varchar, 'NULL')
from sources
where source_id is null

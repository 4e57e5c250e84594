-- quality_flags_grain: one row per flag in quality_flags.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate quality_flags row ' || coalesce(flag::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from quality_flags
group by flag
having count(*) > 1
union all
select 'quality_flags row with NULL in its key ' || coalesce(flag::varchar, 'NULL')
from quality_flags
where flag is null

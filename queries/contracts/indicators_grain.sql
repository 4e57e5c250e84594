-- indicators_grain: one row per indicator_id in indicators.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate indicators row ' || coalesce(indicator_id::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from indicators
group by indicator_id
having count(*) > 1
union all
select 'indicators row with NULL in its key ' || coalesce(indicator_id::varchar, 'NULL')
from indicators
where indicator_id is null

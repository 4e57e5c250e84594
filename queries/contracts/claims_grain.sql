-- claims_grain: one row per claim_id in claims.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate claims row ' || coalesce(claim_id::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from claims
group by claim_id
having count(*) > 1
union all
select 'claims row with NULL in its key ' || coalesce(claim_id::varchar, 'NULL')
from claims
where claim_id is null

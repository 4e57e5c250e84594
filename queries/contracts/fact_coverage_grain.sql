-- fact_coverage_grain: one row per indicator_id, sex, age_group, year, source_id in fact_coverage.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate fact_coverage row ' || coalesce(indicator_id::varchar, 'NULL') || ' ' || coalesce(sex::varchar, 'NULL') || ' ' || coalesce(age_group::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL') || ' ' || coalesce(source_id::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from fact_coverage
group by indicator_id, sex, age_group, year, source_id
having count(*) > 1
union all
select 'fact_coverage row with NULL in its key ' || coalesce(indicator_id::varchar, 'NULL') || ' ' || coalesce(sex::varchar, 'NULL') || ' ' || coalesce(age_group::varchar, 'NULL') || ' ' || coalesce(year::varchar, 'NULL') || ' ' || coalesce(source_id::varchar, 'NULL')
from fact_coverage
where indicator_id is null or sex is null or age_group is null or year is null or source_id is null

-- programme_sources_grain: one row per programme_id, field, source_title, quote in programme_sources.parquet, none of them NULL.
-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate programme_sources row ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(field::varchar, 'NULL') || ' ' || coalesce(source_title::varchar, 'NULL') || ' ' || coalesce(quote::varchar, 'NULL') || ' (' || count(*) || ' rows)' as problem
from programme_sources
group by programme_id, field, source_title, quote
having count(*) > 1
union all
select 'programme_sources row with NULL in its key ' || coalesce(programme_id::varchar, 'NULL') || ' ' || coalesce(field::varchar, 'NULL') || ' ' || coalesce(source_title::varchar, 'NULL') || ' ' || coalesce(quote::varchar, 'NULL')
from programme_sources
where programme_id is null or field is null or source_title is null or quote is null

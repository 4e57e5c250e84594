-- fact_coverage_matches_facts: the rollup the pages' first queries read says what facts.parquet holds.
-- params:  none
-- returns: one row per problem: problem
with recomputed as (
    select indicator_id, sex, age_group, year, source_id, count(*) as reports
    from facts
    where value is not null
    group by indicator_id, sex, age_group, year, source_id
)

select 'fact_coverage ' || coalesce(c.indicator_id, r.indicator_id) || ' ' || coalesce(c.sex, r.sex) || '/'
       || coalesce(c.age_group, r.age_group) || ' ' || coalesce(c.year, r.year) || ' '
       || coalesce(c.source_id, r.source_id) || ' says ' || coalesce(c.reports::varchar, 'nothing')
       || ', facts have ' || coalesce(r.reports::varchar, 'none') || ' values' as problem
from fact_coverage c
full outer join recomputed r
    on c.indicator_id = r.indicator_id and c.sex = r.sex and c.age_group = r.age_group and c.year = r.year
    and c.source_id = r.source_id
where c.reports is distinct from r.reports

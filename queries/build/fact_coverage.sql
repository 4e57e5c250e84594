-- fact_coverage: what the facts cover, rolled up for the pages' first queries (the catalog, the edition notice)
--          so that they read a few hundred rows at any size of facts. The build writes it beside facts.parquet
--          (dashboard/build/pipeline.py; the synthetic extracts in dashboard/scale.py too); the contract
--          contracts/fact_coverage_matches_facts.sql recomputes it from the extracts.
-- params:  none. Reads facts (indicator_id, sex, age_group, year, source_id, value)
-- returns: one row per indicator, breakdown, year and source that has a value: indicator_id, sex, age_group,
--          year, source_id, reports (facts with a value: one per country, so a count of countries)
select indicator_id, sex, age_group, year, source_id, count(*)::integer as reports
from facts
where value is not null
group by indicator_id, sex, age_group, year, source_id
order by indicator_id, sex, age_group, year, source_id

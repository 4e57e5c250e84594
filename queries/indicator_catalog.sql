-- indicator_catalog: every indicator with its definition, source and the breakdowns that have data.
-- params:  none
-- returns: one row per indicator: indicator_id, label, topic, unit, kind, definition, caveat (English), label_no,
--          definition_no, caveat_no (Norwegian), source_id,
--          attribution, sexes varchar[], age_groups varchar[], breakdowns varchar[] ('sex/age_group' pairs
--          that have data), year_min, year_max, map_year (latest year in which at least 80% of the best
--          year's number of countries report: the map's default, so it does not open on a half-empty year)
with breakdowns as (
    -- the build's rollup of the facts (queries/build/fact_coverage.sql: indicator x breakdown x year x source),
    -- first reduced to one row per indicator and breakdown, so the lists below sort a few rows, not every year
    select indicator_id, sex, age_group, min(year) as year_min, max(year) as year_max
    from fact_coverage
    group by indicator_id, sex, age_group
),

coverage as (
    select
        indicator_id,
        list(distinct sex order by sex) as sexes,
        list(distinct age_group order by age_group) as age_groups,
        list(sex || '/' || age_group order by sex || '/' || age_group) as breakdowns,
        min(year_min) as year_min,
        max(year_max) as year_max
    from breakdowns
    group by indicator_id
),

reporting as (
    -- countries reporting each year, all sexes and ages (a value is one country's; sources add up)
    select indicator_id, year, sum(reports) as countries_reporting
    from fact_coverage
    where sex = 'total' and age_group = 'total'
    group by indicator_id, year
),

map_years as (
    select indicator_id, max(year) filter (where countries_reporting >= 0.8 * best) as map_year
    from (select *, max(countries_reporting) over (partition by indicator_id) as best from reporting)
    group by indicator_id
),

final as (
    select
        i.indicator_id, i.label, i.topic, i.unit, i.kind, i.definition, i.caveat, i.label_no, i.definition_no,
        i.caveat_no, i.source_id,
        s.attribution, c.sexes, c.age_groups, c.breakdowns, c.year_min, c.year_max,
        coalesce(m.map_year, c.year_max) as map_year
    from indicators i
    join coverage c using (indicator_id)
    left join map_years m using (indicator_id)
    left join sources s using (source_id)
)

select * from final order by topic, indicator_id

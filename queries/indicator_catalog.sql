-- indicator_catalog: every indicator with its definition, source and the breakdowns that have data.
-- params:  none
-- returns: one row per indicator: indicator_id, label, topic, unit, kind, definition, caveat, source_id,
--          attribution, sexes varchar[], age_groups varchar[], breakdowns varchar[] ('sex/age_group' pairs
--          that have data), year_min, year_max, map_year (latest year in which at least 80% of the best
--          year's number of countries report: the map's default, so it does not open on a half-empty year)
with combos as (
    -- reports per indicator, breakdown and year (one fact per country, so a count of countries), from the
    -- build's rollup of the facts (queries/build/fact_coverage.sql): a few hundred rows at any size of facts
    select indicator_id, sex, age_group, year, sum(reports) as reports
    from fact_coverage
    group by indicator_id, sex, age_group, year
),

coverage as (
    select
        indicator_id,
        list(distinct sex order by sex) as sexes,
        list(distinct age_group order by age_group) as age_groups,
        list(distinct sex || '/' || age_group order by sex || '/' || age_group) as breakdowns,
        min(year) as year_min,
        max(year) as year_max
    from combos
    group by indicator_id
),

reporting as (
    select indicator_id, year, reports as countries_reporting
    from combos
    where sex = 'total' and age_group = 'total'
),

map_years as (
    select indicator_id, max(year) filter (where countries_reporting >= 0.8 * best) as map_year
    from (select *, max(countries_reporting) over (partition by indicator_id) as best from reporting)
    group by indicator_id
),

final as (
    select
        i.indicator_id, i.label, i.topic, i.unit, i.kind, i.definition, i.caveat, i.source_id,
        s.attribution, c.sexes, c.age_groups, c.breakdowns, c.year_min, c.year_max,
        coalesce(m.map_year, c.year_max) as map_year
    from indicators i
    join coverage c using (indicator_id)
    left join map_years m using (indicator_id)
    left join sources s using (source_id)
)

select * from final order by topic, indicator_id

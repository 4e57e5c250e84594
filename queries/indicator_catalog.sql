-- indicator_catalog: every indicator with its definition, source and the breakdowns that have data.
-- params:  none
-- returns: one row per indicator: indicator_id, label, topic, unit, kind, definition, caveat, source_id,
--          attribution, sexes varchar[], age_groups varchar[], breakdowns varchar[] ('sex/age_group' pairs
--          that have data), year_min, year_max
with coverage as (
    select
        indicator_id,
        list(distinct sex order by sex) as sexes,
        list(distinct age_group order by age_group) as age_groups,
        list(distinct sex || '/' || age_group order by sex || '/' || age_group) as breakdowns,
        min(year) as year_min,
        max(year) as year_max
    from facts
    where value is not null
    group by indicator_id
),

final as (
    select
        i.indicator_id, i.label, i.topic, i.unit, i.kind, i.definition, i.caveat, i.source_id,
        s.attribution, c.sexes, c.age_groups, c.breakdowns, c.year_min, c.year_max
    from indicators i
    join coverage c using (indicator_id)
    left join sources s using (source_id)
)

select * from final order by topic, indicator_id

-- country_profile: every series we hold for one country (all sexes, all ages): its latest value with that
--                  value's source and flags, the years it covers, its values over the years (the profile's small
--                  trend lines), and its rank that year among the peer countries with a value.
-- params:  $iso3 varchar, $peers varchar[] (the countries it is ranked against; it need not be among them),
--          $lang varchar (nb: labels and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per indicator with a value for $iso3: indicator_id, label, topic, unit, kind, year (the latest
--          with a value), value, numerator, denominator (for rates: the deaths and the population), source_id,
--          source (that value's source, as cited), quality_flags, value_note, first_year, years_reported,
--          series (the values, first year to last, one per year reported), series_years (their years), rank
--          (1 = highest value among the peers and the country that year; ties share a rank), ranked_countries;
--          in the order of the indicators' topics, then label
with own as (
    select indicator_id, year, value, numerator, denominator, source_id, quality_flags,
        case when $lang = 'nb' then value_note_no else value_note end as value_note
    from facts
    where iso3 = $iso3 and sex = 'total' and age_group = 'total' and value is not null
),

covered as (
    select
        indicator_id,
        max(year) as year,
        min(year) as first_year,
        count(*) as years_reported,
        list(value order by year) as series,
        list(year order by year) as series_years
    from own
    group by indicator_id
),

compared as (
    select f.indicator_id, f.iso3, f.value
    from facts f
    join covered c on c.indicator_id = f.indicator_id and c.year = f.year
    where f.sex = 'total' and f.age_group = 'total' and f.value is not null
      and (list_contains($peers, f.iso3) or f.iso3 = $iso3)
),

ranked as (
    select
        indicator_id,
        iso3,
        rank() over (partition by indicator_id order by value desc) as rank,
        count(*) over (partition by indicator_id) as ranked_countries
    from compared
)

select
    c.indicator_id, case when $lang = 'nb' then i.label_no else i.label end as label, i.topic, i.unit, i.kind, c.year, o.value, o.numerator, o.denominator, o.source_id,
    s.attribution as source, o.quality_flags, o.value_note, c.first_year, c.years_reported, c.series,
    c.series_years, r.rank, r.ranked_countries
from covered c
join own o on o.indicator_id = c.indicator_id and o.year = c.year
join indicators i on i.indicator_id = c.indicator_id
left join sources s on s.source_id = o.source_id
join ranked r on r.indicator_id = c.indicator_id and r.iso3 = $iso3
order by i.topic, label

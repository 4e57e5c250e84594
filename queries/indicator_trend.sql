-- indicator_trend: one indicator per selected country and year, with a row for every year in the range
--                  so that unreported years come back as NULL (drawn as gaps, never interpolated).
-- params:  $indicator varchar, $countries varchar[], $year_from integer, $year_to integer,
--          $sex varchar, $age_group varchar, $index_base integer (NULL: no index; 0: each country's first year
--          with a value in the range), $log_scale boolean,
--          $lang varchar (nb: names and notes in Norwegian; NULL or en: English)
-- defaults: $index_base = null, $log_scale = false, $lang = null
-- returns: one row per country and year: iso3, country, year, value, numerator, denominator (for rates: the
--          deaths and the population the value came from), unit, source_id, source (the credit line of this
--          row's own source), source_publisher, full_credit, country_note, flag (as published), quality_flags,
--          value_note (our flags in words), base_value (the country's value in its base year; NULL without an
--          index), base_year (that year: $index_base, or the country's first year), plotted (the number drawn: value, or value / base_value x 100 with an index; NULL where it
--          cannot be drawn: no base value to index on, or zero or below on a log scale)
with selected_countries as (
    select iso3, case when $lang = 'nb' then coalesce(name_no, name_en) else name_en end as country
    from countries
    where list_contains($countries, iso3)
),

years as (
    select range::integer as year from range($year_from::integer, $year_to::integer + 1)
),

values_in_range as (
    select iso3, year, value, numerator, denominator, source_id, country_note, flag, quality_flags,
        case when $lang = 'nb' then value_note_no else value_note end as value_note
    from facts
    where indicator_id = $indicator
      and sex = $sex
      and age_group = $age_group
      and year between $year_from and $year_to
      and list_contains($countries, iso3)
),

reported as (
    select iso3, min(year) as first_year from values_in_range where value is not null group by iso3
),

bases as (
    -- each country's own value in the index base year, or (index 0) in the first year it reports in the range
    select v.iso3, v.value as base_value, v.year as base_year
    from values_in_range v
    join reported r using (iso3)
    where v.year = case when $index_base::integer = 0 then r.first_year else $index_base::integer end
),

indexed as (
    select
        v.*, b.base_value, b.base_year,
        case when $index_base::integer is null then v.value
             else v.value / nullif(b.base_value, 0) * 100 end as indexed_value
    from values_in_range v
    left join bases b using (iso3)
),

final as (
    select
        c.iso3, c.country, y.year, v.value, v.numerator, v.denominator, i.unit, v.source_id,
        s.attribution as source, s.publisher as source_publisher, s.full_credit, v.country_note, v.flag,
        v.quality_flags, v.value_note, v.base_value, v.base_year,
        case when $log_scale and v.indexed_value <= 0 then null else v.indexed_value end as plotted
    from selected_countries c
    cross join years y
    left join indexed v on v.iso3 = c.iso3 and v.year = y.year
    cross join (select unit from indicators where indicator_id = $indicator) i
    left join sources s on s.source_id = v.source_id
)

select * from final order by country, year

-- indicator_map: one indicator for one year per selected country, with its rank among the shown countries,
--                its change against the previous year, and the range of the selected years (one colour scale).
--                With $year NULL: the same for every year from $year_from to $year_to, in one read of the facts
--                (the map slices its year out of it, so a new map year or the animation reads no file).
-- params:  $indicator varchar, $countries varchar[], $year integer (NULL: every year of $year_from-$year_to),
--          $sex varchar, $age_group varchar,
--          $year_from integer, $year_to integer (the years the colour scale spans; NULL: all years; with $year
--          NULL both are needed),
--          $lang varchar (nb: names and notes in Norwegian; NULL or en: English)
-- defaults: $year_from = null, $year_to = null, $lang = null
-- returns: one row per selected country (and year): iso3, country, year, value, numerator, denominator (for
--          rates: the deaths and the population the value came from), previous_value, change, change_pct, rank,
--          ranked_countries (rank and count within the year), unit, source (this row's own source),
--          source_publisher, full_credit, country_note, quality_flags,
--          value_note (our flags in words), range_min, range_max (lowest and highest value of the selected
--          countries in $year_from-$year_to), range_from, range_to (the years with a value in that range);
--          ordered by year, rank, country
with selected_countries as (
    select iso3, case when $lang = 'nb' then coalesce(name_no, name_en) else name_en end as country
    from countries
    where list_contains($countries, iso3)
),

map_years as (
    select unnest(generate_series(coalesce($year, $year_from), coalesce($year, $year_to))) as year
),

values_read as (  -- the map years and the year before each
    select iso3, year, value, numerator, denominator, source_id, country_note, quality_flags,
        case when $lang = 'nb' then value_note_no else value_note end as value_note
    from facts
    where indicator_id = $indicator
      and sex = $sex
      and age_group = $age_group
      and year between coalesce($year, $year_from) - 1 and coalesce($year, $year_to)
      and list_contains($countries, iso3)
),

joined as (
    select
        c.iso3, c.country, y.year,
        cur.value, cur.numerator, cur.denominator,
        prev.value as previous_value,
        cur.source_id, cur.country_note, cur.quality_flags, cur.value_note
    from selected_countries c
    cross join map_years y
    left join values_read cur on cur.iso3 = c.iso3 and cur.year = y.year
    left join values_read prev on prev.iso3 = c.iso3 and prev.year = y.year - 1
),

value_range as (
    select min(value) as range_min, max(value) as range_max, min(year) as range_from, max(year) as range_to
    from facts
    where indicator_id = $indicator
      and sex = $sex
      and age_group = $age_group
      and year between coalesce($year_from, 0) and coalesce($year_to, 9999)
      and value is not null
      and list_contains($countries, iso3)
),

final as (
    select
        j.iso3, j.country, j.year::integer as year, j.value, j.numerator, j.denominator, j.previous_value,
        j.value - j.previous_value as change,
        (j.value - j.previous_value) / nullif(j.previous_value, 0) * 100 as change_pct,
        case when j.value is not null then rank() over (partition by j.year order by j.value desc nulls last)
        end as rank,
        count(j.value) over (partition by j.year) as ranked_countries,
        i.unit,
        s.attribution as source, s.publisher as source_publisher, s.full_credit, j.country_note, j.quality_flags,
        j.value_note,
        r.range_min, r.range_max, r.range_from, r.range_to
    from joined j
    cross join (select unit from indicators where indicator_id = $indicator) i
    cross join value_range r
    left join sources s on s.source_id = j.source_id
)

select * from final order by year, rank nulls last, country

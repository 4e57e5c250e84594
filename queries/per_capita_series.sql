-- per_capita_series: one indicator (all sexes, all ages) for the given countries, every year with a value, as
--                    published and per $per people aged 15-64 (UN WPP population of that country and year), for
--                    the before-and-after view and any series shown per person.
-- params:  $indicator varchar, $countries varchar[], $per double (e.g. 100000 for "per 100,000 aged 15-64")
-- returns: one row per country and year with a value: iso3, country, has_hat_programme, year, value (as
--          published), population_15_64 (NULL where we hold none), per_capita (value / population_15_64 x $per;
--          NULL without a population), is_projection (the population is a projection), source_id, source (the
--          value's own source, as cited), quality_flags, value_note; by country, then year
select
    f.iso3, c.name_en as country, c.has_hat_programme, f.year, f.value, p.pop_15_64 as population_15_64,
    case when p.pop_15_64 > 0 then f.value / p.pop_15_64 * $per end as per_capita, p.is_projection,
    f.source_id, s.attribution as source, f.quality_flags, f.value_note
from facts f
join countries c on c.iso3 = f.iso3
left join population p on p.iso3 = f.iso3 and p.year = f.year
left join sources s on s.source_id = f.source_id
where f.indicator_id = $indicator
  and f.sex = 'total' and f.age_group = 'total'
  and f.value is not null
  and list_contains($countries, f.iso3)
order by f.iso3, f.year

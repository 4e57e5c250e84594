-- drug_induced_death_rates: the all-sexes total and the two rates of drug-induced deaths, derived from the
--          EMCDDA counts and the UN WPP population. The build runs this on its own in-memory tables; the
--          contract contracts/drd_rates_match_definition.sql recomputes the results from the extracts.
-- params:  none. Reads emcdda_deaths (iso3, year, sex, age_group, value, country_note: the drd_deaths rows of
--          DRD-31/32 and DRD-36..46) and population (iso3, year, pop_0_14, pop_15_64, pop_65_plus, is_projection)
-- returns: one row per indicator, country and year of the sex tables: iso3, year, indicator_id, value,
--          numerator, denominator, method, country_note, projected_population, bands_total, sexes_total
--   drd_deaths                          male + female, only where both are reported (unknown sex is in neither)
--   drd_deaths_per_million_15_64        the EMCDDA definition (Statistical Bulletin DRD-7, European Drug Report):
--                                       deaths in the ten bands 15-19 .. 60-64 / population 15-64 x 10^6, when
--                                       all ten bands are reported and not all zero beside a positive male +
--                                       female (method 'age_bands'); otherwise, when
--                                       male + female is reported, deaths at all ages / population 15-64 x 10^6
--                                       (method 'all_ages_total', flagged: an upper bound, not the EMCDDA rate)
--   drd_deaths_per_million_all_ages     male + female / whole population x 10^6 ("per million inhabitants")
with by_sex as (
    select
        iso3, year,
        max(value) filter (where sex = 'male') as male,
        max(value) filter (where sex = 'female') as female,
        bool_or(country_note) as country_note
    from emcdda_deaths
    where age_group = 'total' and sex in ('male', 'female')
    group by iso3, year
),

by_age as (
    select
        iso3, year,
        count(value) filter (where age_group in ('15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49',
                                                 '50-54', '55-59', '60-64')) as bands_15_64_reported,
        sum(value) filter (where age_group in ('15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49',
                                               '50-54', '55-59', '60-64')) as deaths_15_64,
        sum(value) as bands_total  -- every age band, 15-19 .. 65+
    from emcdda_deaths
    where sex = 'total' and age_group <> 'total'
    group by iso3, year
),

joined as (
    select
        s.iso3, s.year, s.country_note,
        s.male + s.female as deaths_all_ages,  -- NULL unless both are reported
        a.bands_15_64_reported, a.deaths_15_64, a.bands_total,
        p.pop_15_64, p.pop_0_14 + p.pop_15_64 + p.pop_65_plus as pop_all_ages, p.is_projection
    from by_sex s
    left join by_age a using (iso3, year)
    left join population p using (iso3, year)
),

rate_15_64 as (
    select
        iso3, year, country_note, bands_total, deaths_all_ages, pop_15_64, is_projection,
        case when pop_15_64 is null then null
             -- every band reported as 0 beside a positive male + female (Netherlands 1995): not a usable breakdown
             when bands_15_64_reported = 10 and not (bands_total = 0 and deaths_all_ages > 0) then 'age_bands'
             when deaths_all_ages is not null then 'all_ages_total' end as method,
        case method when 'age_bands' then deaths_15_64 when 'all_ages_total' then deaths_all_ages end as deaths
    from joined
),

rate_all_ages as (
    select
        iso3, year, country_note, bands_total, deaths_all_ages, pop_all_ages, is_projection,
        case when pop_all_ages is not null and deaths_all_ages is not null then 'all_ages_total' end as method
    from joined
),

final as (
    select iso3, year, 'drd_deaths' as indicator_id, deaths_all_ages as value,
           null::double as numerator, null::double as denominator, null::varchar as method, country_note,
           false as projected_population, bands_total, deaths_all_ages as sexes_total
    from joined
    union all
    select iso3, year, 'drd_deaths_per_million_15_64', deaths / pop_15_64 * 1e6,
           case when method is not null then deaths end, case when method is not null then pop_15_64 end,
           method, country_note, coalesce(method is not null and is_projection, false), bands_total,
           deaths_all_ages
    from rate_15_64
    union all
    select iso3, year, 'drd_deaths_per_million_all_ages',
           case when method is not null then deaths_all_ages / pop_all_ages * 1e6 end,
           case when method is not null then deaths_all_ages end, case when method is not null then pop_all_ages end,
           method, country_note, coalesce(method is not null and is_projection, false), bands_total,
           deaths_all_ages
    from rate_all_ages
)

select * from final order by indicator_id, iso3, year

-- drd_rates_match_definition: every rate of drug-induced deaths equals its definition, recomputed here from the
--          extracts (the build derives them in queries/build/drug_induced_death_rates.sql): per million aged
--          15-64 from the ten age bands 15-19..60-64 when all are reported (and not all zero beside a
--          positive male + female), else from male + female and flagged; per million inhabitants from male + female over the whole population. Numerator and
--          denominator are the ones stated on the row, and the flags say which method was used.
-- params:  none
-- returns: one row per rate that breaks its definition: problem
with bands as (
    select iso3, year, count(value) as reported, sum(value) as deaths_15_64
    from facts
    where indicator_id = 'drd_deaths' and sex = 'total'
      and age_group in ('15-19', '20-24', '25-29', '30-34', '35-39', '40-44', '45-49', '50-54', '55-59', '60-64')
    group by iso3, year
),

all_bands as (
    select iso3, year, sum(value) as deaths_all_bands
    from facts
    where indicator_id = 'drd_deaths' and sex = 'total' and age_group <> 'total'
    group by iso3, year
),

sexes as (
    select iso3, year, sum(value) as deaths_all_ages, count(value) as reported
    from facts
    where indicator_id = 'drd_deaths' and age_group = 'total' and sex in ('male', 'female')
    group by iso3, year
),

expected as (
    select
        r.iso3, r.year, r.indicator_id, r.value, r.numerator, r.denominator, r.quality_flags,
        case
            when r.indicator_id = 'drd_deaths_per_million_all_ages' then
                case when s.reported = 2 then s.deaths_all_ages end
            when b.reported = 10 and not (a.deaths_all_bands = 0 and s.deaths_all_ages > 0) then b.deaths_15_64
            when s.reported = 2 then s.deaths_all_ages
        end as expected_deaths,
        case when r.indicator_id = 'drd_deaths_per_million_all_ages' then p.pop_0_14 + p.pop_15_64 + p.pop_65_plus
             else p.pop_15_64 end as expected_population,
        r.indicator_id = 'drd_deaths_per_million_15_64' and s.reported = 2
            and (coalesce(b.reported, 0) < 10 or (a.deaths_all_bands = 0 and s.deaths_all_ages > 0))
            as expects_fallback_flag
    from facts r
    left join bands b using (iso3, year)
    left join all_bands a using (iso3, year)
    left join sexes s using (iso3, year)
    left join population p using (iso3, year)
    where r.indicator_id in ('drd_deaths_per_million_15_64', 'drd_deaths_per_million_all_ages')
)

select 'rate ' || indicator_id || ' ' || iso3 || ' ' || year || ' is ' || coalesce(value::varchar, 'NULL')
       || ', its definition gives ' || coalesce((expected_deaths / expected_population * 1e6)::varchar, 'NULL')
       as problem
from expected
where (value is null) <> (expected_deaths is null or expected_population is null)
   or abs(value - expected_deaths / expected_population * 1e6) > 1e-9 * greatest(1, value)
union all
select 'rate ' || indicator_id || ' ' || iso3 || ' ' || year || ' states numerator ' || coalesce(numerator::varchar, 'NULL')
       || ' / denominator ' || coalesce(denominator::varchar, 'NULL') || ', not the deaths and population it used'
from expected
where value is not null and (numerator is distinct from expected_deaths or denominator is distinct from expected_population)
union all
select 'rate ' || indicator_id || ' ' || iso3 || ' ' || year || ' uses deaths at all ages without the flag saying so'
from expected
where value is not null
  and expects_fallback_flag <> coalesce(contains(quality_flags, 'rate_from_all_ages_deaths'), false)

-- facts_plausible_values: counts are non-negative and rates and ages fall in plausible ranges.
-- params:  none
-- returns: one row per implausible value: problem
select 'implausible value ' || f.value || ' for ' || f.iso3 || ' ' || f.year || ' ' || f.indicator_id
       || ' ' || f.sex || ' ' || f.age_group as problem
from facts f
where f.value < 0
   or (f.indicator_id in ('drd_deaths_per_million_15_64', 'drd_deaths_per_million_all_ages') and f.value > 1000)
   or (f.indicator_id = 'drd_mean_age_at_death' and f.value not between 10 and 90)
   or (f.indicator_id = 'ihme_drug_use_disorder_death_rate_age_std' and f.value > 1000)
   -- people in treatment per 100,000 aged 15-64: at most a tenth of everyone (10,000)
   or (f.indicator_id like '%\_per\_100k\_15\_64' escape '\' and f.value > 10000)
   or (f.indicator_id not in ('drd_deaths_per_million_15_64', 'drd_deaths_per_million_all_ages',
                              'drd_mean_age_at_death', 'ihme_drug_use_disorder_death_rate_age_std')
       and f.indicator_id not like 'national_%rate%'
       and f.indicator_id not like '%\_per\_100k\_15\_64' escape '\'
       and f.value <> round(f.value))

-- population_is_positive: every population aged 15-64 is above zero (it divides every rate).
-- params:  none
-- returns: one row per problem: problem
select 'population not positive: ' || iso3 || ' ' || year as problem
from population
where not pop_15_64 > 0

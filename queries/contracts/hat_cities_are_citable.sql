-- hat_cities_are_citable: every city figure and the population it is read against have a source, its URL and the
-- words that hold the number, and both numbers are above zero (the population divides the rate).
-- params:  none
-- returns: one row per problem: problem
select 'city figure without a source, URL or quote: ' || city || ' ' || measure || ' ' || as_of as problem
from hat_cities
where coalesce(trim(source_title), '') = '' or coalesce(trim(source_url), '') = '' or coalesce(trim(quote), '') = ''
union all
select 'city population without a publisher, URL or quote: ' || city || ' ' || population_date
from hat_cities
where coalesce(trim(population_publisher), '') = '' or coalesce(trim(population_url), '') = ''
   or coalesce(trim(population_quote), '') = ''
union all
select 'city figure or population not positive: ' || city || ' ' || measure || ' ' || as_of
from hat_cities
where not (value > 0 and population > 0)
union all
select 'city figure of an unknown programme: ' || city || ' ' || programme_id
from hat_cities
where programme_id not in (select programme_id from programmes)

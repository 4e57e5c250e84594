-- countries_are_named: every country has an English name and an ISO-2 code.
-- params:  none
-- returns: one row per problem: problem
select 'country without name or ISO-2 code: ' || iso3 as problem
from countries
where name_en is null or iso2 is null

-- population_known_keys: every population row names a known country and a known source.
-- params:  none
-- returns: one row per problem: problem
select 'population for unknown country ' || p.iso3 as problem
from population p anti join countries c on p.iso3 = c.iso3
union all
select 'population row without a known source: ' || p.iso3 || ' ' || p.year
from population p anti join sources s on p.source_id = s.source_id

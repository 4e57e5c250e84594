-- programmes_known_keys: every programme names a known country and a known source.
-- params:  none
-- returns: one row per problem: problem
select 'programme with unknown country: ' || p.programme_id as problem
from programmes p anti join countries c on p.iso3 = c.iso3
union all
select 'programme without a known source id: ' || p.programme_id
from programmes p anti join sources s on p.source_id = s.source_id

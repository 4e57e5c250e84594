-- programme_claims_known_programme: every claim is about a programme in the register.
-- params:  none
-- returns: one row per problem: problem
select 'claim for unknown programme: ' || c.claim_id as problem
from programme_claims c anti join programmes p on c.programme_id = p.programme_id

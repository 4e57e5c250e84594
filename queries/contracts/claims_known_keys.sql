-- claims_known_keys: every claim of the register names a known country, programme and programme claim, and
--                    every checkable claim has what its check needs.
-- params:  none
-- returns: one row per problem: problem
select 'claim ' || c.claim_id || ' about unknown country ' || c.iso3 as problem
from claims c
where c.iso3 is not null and c.iso3 not in (select iso3 from countries)
union all
select 'claim ' || c.claim_id || ' cites unknown programme claim ' || c.programme_claim_id
from claims c
where c.programme_claim_id is not null
  and c.programme_claim_id not in (select claim_id from programme_claims)
union all
select 'claim ' || c.claim_id || ' about unknown programme ' || c.programme_id
from claims c
where c.programme_id is not null and c.programme_id not in (select programme_id from programmes)
union all
select 'claim ' || c.claim_id || ' of kind ' || c.claim_kind || ' lacks its country, year or number'
from claims c
where (c.claim_kind in ('number', 'change') and (c.iso3 is null or c.year is null or c.value is null
                                                 or c.unit is null))
   or (c.claim_kind = 'rank' and (c.iso3 is null or c.year is null or c.rank_claimed is null
                                  or c.rank_scope is null))

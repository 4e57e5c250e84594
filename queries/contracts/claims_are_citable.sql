-- claims_are_citable: every claim of the register (claims.csv) gives the exact quote, who made it, where (a URL
--                     or the reason there is none) and our verdict with its reason.
-- params:  none
-- returns: one row per problem: problem
select 'claim without its quote or who made it: ' || claim_id as problem
from claims
where coalesce(trim(quote), '') = '' or coalesce(trim(claimant), '') = ''
union all
select 'claim without a URL or a reason why: ' || claim_id
from claims
where coalesce(trim(url), '') = '' and coalesce(trim(no_url_reason), '') = ''
union all
select 'claim without a verdict and its reason: ' || claim_id
from claims
where coalesce(trim(verdict), '') = '' or coalesce(trim(reason), '') = ''

-- programme_claims_are_citable: every claim names where it was made, with a URL or the reason there is none.
-- params:  none
-- returns: one row per problem: problem
select 'claim without source: ' || claim_id as problem
from programme_claims
where coalesce(trim(source_title), '') = ''
union all
select 'claim without a URL or a reason why: ' || claim_id
from programme_claims
where coalesce(trim(source_url), '') = '' and coalesce(trim(no_url_reason), '') = ''

-- programme_claims: claims about programmes that sources disagree on, each with its own source.
-- params:  $countries varchar[]
-- returns: one row per claim: programme_id, programme_name, country, field, claimed_value, claim_status,
--          source_title, source_url, note, no_url_reason
select
    c.programme_id, p.programme_name, p.country, c.field, c.claimed_value, c.claim_status,
    c.source_title, c.source_url, c.note, c.no_url_reason
from programme_claims c
join programmes p on p.programme_id = c.programme_id
where list_contains($countries, p.iso3)
order by p.country, c.programme_id, c.field, c.claim_id

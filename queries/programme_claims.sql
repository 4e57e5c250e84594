-- programme_claims: claims about programmes that sources disagree on, each with its own source.
-- params:  $countries varchar[],
--          $lang varchar (nb: country names and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per claim: programme_id, programme_name, country, field, claimed_value, claim_status,
--          source_title, source_url, note, no_url_reason
select
    c.programme_id, p.programme_name,
    case when $lang = 'nb' then coalesce(n.name_no, n.name_en) else n.name_en end as country,
    c.field, c.claimed_value, c.claim_status, c.source_title, c.source_url,
    case when $lang = 'nb' then c.note_no else c.note end as note,
    c.no_url_reason
from programme_claims c
join programmes p on p.programme_id = c.programme_id
join countries n on n.iso3 = p.iso3
where list_contains($countries, p.iso3)
order by country, c.programme_id, c.field, c.claim_id

-- claim_register: the claims from the news (claims.parquet), with the country's name, for the Claims page, the
--                 CLI and the tests; filtered by country and verdict.
-- params:  $countries varchar[] (NULL: every claim), $verdicts varchar[] (NULL: every verdict),
--          $claim_ids varchar[] (NULL: every claim),
--          $lang varchar (nb: note, reason and country name in Norwegian; NULL or en: English; the quote stays
--          as published)
-- defaults: $countries = null, $verdicts = null, $claim_ids = null, $lang = null
-- returns: one row per claim: every column of claims.parquet (claim_id, seed_file, claimant, outlet, url,
--          no_url_reason, published, language, quote, note, claim_kind, iso3, geography, value, unit, counts,
--          comparison, rank_scope, programme_claim_id, programme_id, verdict, reason, year, base_year,
--          rank_claimed, rank_top; note and reason in $lang) and country (the name of iso3; NULL for claims about no
--          country);
--          seed claims first, then by claim_id
select
    c.* exclude (note_no, reason_no) replace (case when $lang = 'nb' then c.note_no else c.note end as note,
                                             case when $lang = 'nb' then c.reason_no else c.reason end as reason),
    case when $lang = 'nb' then coalesce(k.name_no, k.name_en) else k.name_en end as country
from claims c
left join countries k on k.iso3 = c.iso3
where ($countries is null or list_contains($countries, c.iso3))
  and ($verdicts is null or list_contains($verdicts, c.verdict))
  and ($claim_ids is null or list_contains($claim_ids, c.claim_id))
order by c.seed_file is null, c.claim_id

-- programme_sources: which source supports which field of each programme in the selected countries.
-- params:  $countries varchar[],
--          $lang varchar (nb: country names in Norwegian; NULL or en: English; titles and quotes as published)
-- defaults: $lang = null
-- returns: one row per programme, field and source: programme_id, programme_name, country, field, source_title,
--          source_url, source_kind (primary, press or secondary), quote, no_url_reason, accessed
select
    s.programme_id, p.programme_name,
    case when $lang = 'nb' then coalesce(n.name_no, n.name_en) else n.name_en end as country, s.field, s.source_title, s.source_url, s.source_kind, s.quote,
    s.no_url_reason, s.accessed
from programme_sources s
join programmes p on p.programme_id = s.programme_id
join countries n on n.iso3 = p.iso3
where list_contains($countries, p.iso3)
order by country, coalesce(p.start_year, p.end_year), s.programme_id, s.field, s.source_title, s.source_url,
         s.quote

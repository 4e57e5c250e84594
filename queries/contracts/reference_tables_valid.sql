-- reference_tables_valid: countries, population, programmes, claims and sources are complete and linked
--                        (unique keys: the generated <extract>_grain contracts).
-- params:  none
-- returns: one row per problem: problem
select 'country without name or ISO-2 code: ' || iso3 as problem from countries where name_en is null or iso2 is null
union all
select 'population not positive: ' || iso3 || ' ' || year from population where not pop_15_64 > 0
union all
select 'population for unknown country ' || p.iso3 from population p anti join countries c on p.iso3 = c.iso3
union all
select 'programme with unknown country: ' || p.programme_id from programmes p anti join countries c on p.iso3 = c.iso3
union all
select 'programme without sources: ' || programme_id from programmes
where len(coalesce(source_titles, [])) = 0 or len(coalesce(source_urls, [])) = 0
union all
select 'programme ends before it starts: ' || programme_id from programmes where end_year < start_year
union all
select 'claim for unknown programme: ' || c.claim_id from programme_claims c
anti join programmes p on c.programme_id = p.programme_id
union all
select 'claim without source: ' || claim_id from programme_claims where coalesce(trim(source_title), '') = ''
union all
select 'claim without a URL or a reason why: ' || claim_id from programme_claims
where coalesce(trim(source_url), '') = '' and coalesce(trim(no_url_reason), '') = ''
union all
select 'population row without a known source: ' || p.iso3 || ' ' || p.year
from population p anti join sources s on p.source_id = s.source_id
union all
select 'programme without a known source id: ' || p.programme_id
from programmes p anti join sources s on p.source_id = s.source_id

-- reference_tables_valid: countries, population, programmes, claims and sources have unique keys and links.
-- params:  none
-- returns: one row per problem: problem
select 'duplicate country ' || iso3 as problem from countries group by iso3 having count(*) > 1
union all
select 'country without name or ISO-2 code: ' || iso3 from countries where name_en is null or iso2 is null
union all
select 'duplicate population row ' || iso3 || ' ' || year from population group by iso3, year having count(*) > 1
union all
select 'population not positive: ' || iso3 || ' ' || year from population where not pop_15_64 > 0
union all
select 'population for unknown country ' || p.iso3 from population p anti join countries c on p.iso3 = c.iso3
union all
select 'duplicate programme ' || programme_id from programmes group by programme_id having count(*) > 1
union all
select 'programme with unknown country: ' || p.programme_id from programmes p anti join countries c on p.iso3 = c.iso3
union all
select 'programme without sources: ' || programme_id from programmes
where coalesce(trim(source_titles), '') = '' or coalesce(trim(source_urls), '') = ''
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
select 'duplicate source ' || source_id from sources group by source_id having count(*) > 1
union all
select 'duplicate indicator ' || indicator_id from indicators group by indicator_id having count(*) > 1
union all
select 'population row without a known source: ' || p.iso3 || ' ' || p.year
from population p anti join sources s on p.source_id = s.source_id
union all
select 'programme without a known source id: ' || p.programme_id
from programmes p anti join sources s on p.source_id = s.source_id

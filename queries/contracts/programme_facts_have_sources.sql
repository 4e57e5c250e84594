-- programme_facts_have_sources: every field of every programme that holds a fact has a source of its own in
--          programme_sources (with a URL or a reason there is none), and "a country with a HAT programme" means
--          a programme that treated patients (a vetoed or planned one never counts).
-- params:  none
-- returns: one row per problem: problem
with facts_held as (
    -- one row per programme and filled field; the key, names, derived columns and the Norwegian (*_no: sourced
    -- through the English beside it) need no source of their own
    unpivot (
        select programme_id, columns(lambda c: c not in ('programme_id', 'country', 'iso3', 'programme_name_en',
                                                       'conflict_flag', 'display_group', 'source_titles',
                                                       'source_urls', 'source_id')
                                             and not ends_with(c, '_no'))::varchar
        from programmes
    )
    on columns(* exclude (programme_id))
    into name field value fact
)

select 'programme ' || f.programme_id || ': field ' || f.field || ' has no source' as problem
from facts_held f
anti join programme_sources s on s.programme_id = f.programme_id and s.field = f.field
where trim(f.fact) <> ''
union all
select 'programme source for unknown programme or field: ' || s.programme_id || ' ' || s.field
from programme_sources s
anti join (select programme_id, field from facts_held) f on f.programme_id = s.programme_id and f.field = s.field
union all
select 'programme source without a URL or a reason why: ' || programme_id || ' ' || field || ' ' || source_title
from programme_sources
where coalesce(trim(source_url), '') = '' and coalesce(trim(no_url_reason), '') = ''
union all
select 'programme source of unknown kind: ' || programme_id || ' ' || field || ' ' || coalesce(source_kind, 'NULL')
from programme_sources
where source_kind is null or source_kind not in ('primary', 'press', 'secondary')
union all
select 'country ' || c.iso3 || ' is counted as having a HAT programme, but none treated patients'
from countries c
where c.has_hat_programme <> exists (select 1 from programmes p where p.iso3 = c.iso3 and p.treated_patients)

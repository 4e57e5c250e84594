-- claim_candidates: every value we hold that a number quoted about one country could be, in every year: the
--                   country's own series and those of its parts (England and Wales for the United Kingdom), so
--                   a checker can say which series and year a number matches (dashboard/claim_check.py).
-- params:  $country varchar (ISO-3), $indicators varchar[] (the series a claim can be checked against),
--          $lang varchar (nb: labels and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per place, indicator and year that has a row in the facts (values may be NULL: reported as
--          missing, never zero): iso3, place (its name in $lang), is_part (true for a part of $country),
--          indicator_id, label, indicator_unit, definition, year, value, numerator, denominator (for rates: the
--          deaths and the population), source_id, source (credit line), edition, source_url, flag (as
--          published, e.g. Eurostat's c), quality_flags, value_note (our flags in words),
--          flag_labels (the labels of quality_flags, '; '-separated)
select
    f.iso3,
    case when $lang = 'nb' then coalesce(c.name_no, c.name_en) else c.name_en end as place,
    f.iso3 <> $country as is_part,
    f.indicator_id,
    case when $lang = 'nb' then i.label_no else i.label end as label,
    i.unit as indicator_unit,
    case when $lang = 'nb' then i.definition_no else i.definition end as definition,
    f.year::integer as year,
    f.value,
    f.numerator,
    f.denominator,
    f.source_id,
    s.attribution as source,
    s.edition,
    s.url as source_url,
    f.flag,
    f.quality_flags,
    case when $lang = 'nb' then f.value_note_no else f.value_note end as value_note,
    (select string_agg(case when $lang = 'nb' then q.label_no else q.label end, '; ' order by q.flag) from quality_flags q
     where list_contains(string_split(f.quality_flags, ','), q.flag)) as flag_labels
from facts f
join countries c on c.iso3 = f.iso3
join indicators i on i.indicator_id = f.indicator_id
left join sources s on s.source_id = f.source_id
where (f.iso3 = $country or c.part_of = $country)
  and list_contains($indicators, f.indicator_id)
  and f.sex = 'total'
  and f.age_group = 'total'
order by is_part, f.iso3, f.indicator_id, f.year

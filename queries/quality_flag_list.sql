-- quality_flag_list: what each of our flags on a value means, and how many values carry it.
-- params:  $lang varchar (nb: labels and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per flag: flag, label (as shown with the value), explanation, values_flagged
with flagged as (
    select unnest(string_split(quality_flags, ',')) as flag
    from facts
    where quality_flags is not null
),

counts as (
    select flag, count(*) as values_flagged from flagged group by flag
)

select
    q.flag,
    case when $lang = 'nb' then q.label_no else q.label end as label,
    case when $lang = 'nb' then q.explanation_no else q.explanation end as explanation,
    coalesce(c.values_flagged, 0) as values_flagged
from quality_flags q
left join counts c using (flag)
order by q.flag

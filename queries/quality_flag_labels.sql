-- quality_flag_labels: the label of each of our flags on a value, as shown with the value (the comparability
--                      notes name flags by it); the flags extract alone, whatever the size of the facts.
-- params:  $lang varchar (nb: labels and notes in Norwegian; NULL or en: English)
-- defaults: $lang = null
-- returns: one row per flag: flag, label
select flag, case when $lang = 'nb' then label_no else label end as label from quality_flags order by flag

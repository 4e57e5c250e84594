-- quality_flag_labels: the label of each of our flags on a value, as shown with the value (the comparability
--                      notes name flags by it); the flags extract alone, whatever the size of the facts.
-- params:  none
-- returns: one row per flag: flag, label
select flag, label from quality_flags order by flag

-- indicators_have_data: every indicator in the catalogue has at least one reported value and a source.
-- params:  none
-- returns: one row per empty indicator: problem
select 'indicator without data: ' || i.indicator_id as problem
from indicators i
left join facts f on f.indicator_id = i.indicator_id and f.value is not null
group by i.indicator_id
having count(f.value) = 0
union all
select 'indicator without a source: ' || indicator_id
from indicators
where source_id is null

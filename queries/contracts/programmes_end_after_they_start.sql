-- programmes_end_after_they_start: no programme ends before the year it starts.
-- params:  none
-- returns: one row per problem: problem
select 'programme ends before it starts: ' || programme_id as problem
from programmes
where end_year < start_year

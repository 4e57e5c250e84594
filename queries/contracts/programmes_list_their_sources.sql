-- programmes_list_their_sources: every programme lists at least one source title and one URL.
-- params:  none
-- returns: one row per problem: problem
select 'programme without sources: ' || programme_id as problem
from programmes
where len(coalesce(source_titles, [])) = 0 or len(coalesce(source_urls, [])) = 0

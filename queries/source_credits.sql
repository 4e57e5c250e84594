-- source_credits: the credit lines of the given sources (e.g. the map's base layer, NATURAL-EARTH).
-- params:  $source_ids varchar[]
-- returns: one row per source found: source_id, attribution, full_credit
select source_id, attribution, full_credit
from sources
where list_contains($source_ids, source_id)
order by source_id

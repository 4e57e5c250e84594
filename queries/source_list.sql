-- source_list: every source a fact or programme can reference, with licence and attribution text.
-- params:  none
-- returns: one row per source: source_id, title, publisher, edition, table_id, url, licence, attribution, kind
select source_id, title, publisher, edition, table_id, url, licence, attribution, kind
from sources
order by kind, source_id

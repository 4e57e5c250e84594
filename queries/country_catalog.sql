-- country_catalog: the countries the dashboard knows, with their groups and the point inside each where its map markers go.
-- params:  none
-- returns: one row per country: iso3, iso2, eurostat_code, name_en, name_no, eu27, nordic, emcdda_reporting,
--          has_hat_programme, region, part_of (ISO-3 of the state a part of a country belongs to, e.g. GB-EAW
--          England and Wales: GBR; NULL for states), on_map, interior_lat, interior_lon
select
    iso3, iso2, eurostat_code, name_en, name_no, eu27, nordic, emcdda_reporting,
    has_hat_programme, region, part_of, on_map, interior_lat, interior_lon
from countries
order by name_en

-- programme_markers: the HAT programmes of the selected countries as the map of one year draws them: where (each
--                    named site, else the country's interior point, never a neighbour's) and in which group.
--                    With $year NULL: the same for every year from $year_from to $year_to (the map slices its
--                    year out of it, so a new map year or the animation reads no file).
-- params:  $countries varchar[], $year integer (NULL: every year of $year_from-$year_to),
--          $year_from integer, $year_to integer (only read when $year is NULL),
--          $lang varchar (nb: country names and the register's prose in Norwegian; NULL or en: English)
-- defaults: $year_from = null, $year_to = null, $lang = null
-- returns: one row per marker, and one row with no position per programme the year's map does not draw
--          (per year with $year NULL, ordered by year first):
--          programme_id, iso3, country, programme_name, city_or_sites, phase, start_year, end_year, status,
--          status_as_of, patients_numeric, patients_numeric_year, patients_numeric_basis, patients,
--          conflict_flag, source_titles,
--          map_group (the programme in the year: trial, pilot, regular, unsupervised prescribing, or ended when
--          it ended before the year; NULL: not drawn), not_drawn (why not: 'never implemented', 'start year not
--          established', 'starts later'), site (the named site; NULL: the country's interior point),
--          site_source_url (where the site's coordinates come from), lat, lon (NULL: not drawn, or the country
--          is not on the map), year (the map year)
with map_years as (
    select unnest(generate_series(coalesce($year, $year_from), coalesce($year, $year_to))) as map_year
),

in_year as (
    select
        p.*,
        y.map_year,
        case
            when p.phase in ('planned', 'vetoed') then 'never implemented'
            when p.start_year is null then 'start year not established'
            when p.start_year > y.map_year then 'starts later'
        end as not_drawn
    from programmes p
    cross join map_years y
    where list_contains($countries, p.iso3)
),

grouped as (
    select
        *,
        case
            when not_drawn is not null then null
            when end_year < map_year then 'ended'
            when phase = 'unsupervised_prescribing' then 'unsupervised prescribing'
            else phase
        end as map_group
    from in_year
)

select
    g.programme_id, g.iso3,
    case when $lang = 'nb' then coalesce(c.name_no, c.name_en) else c.name_en end as country,
    g.programme_name,
    case when $lang = 'nb' then g.city_or_sites_no else g.city_or_sites end as city_or_sites,
    g.phase, g.start_year, g.end_year,
    case when $lang = 'nb' then g.status_no else g.status end as status,
    g.status_as_of, g.patients_numeric, g.patients_numeric_year,
    case when $lang = 'nb' then g.patients_numeric_basis_no else g.patients_numeric_basis end
        as patients_numeric_basis,
    case when $lang = 'nb' then g.patients_no else g.patients end as patients,
    case when $lang = 'nb' then g.conflict_flag_no else g.conflict_flag end as conflict_flag,
    g.source_titles, g.map_group, g.not_drawn,
    s.site, s.source_url as site_source_url,
    case when c.on_map and g.map_group is not null then coalesce(s.lat, c.interior_lat) end as lat,
    case when c.on_map and g.map_group is not null then coalesce(s.lon, c.interior_lon) end as lon,
    g.map_year::integer as year
from grouped g
join countries c on c.iso3 = g.iso3
left join programme_sites s on s.programme_id = g.programme_id and g.map_group is not null
order by g.map_year, country, g.start_year nulls last, g.programme_id, s.site

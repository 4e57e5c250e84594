-- data_editions: which edition each family of series comes from and the years it covers, for the notice on
--                every page ("EMCDDA figures end in 2017").
-- params:  none
-- returns: one row per family: family ('EMCDDA' or 'national'), edition, year_min, year_max (years with a value)
with families as (
    select
        case when s.publisher like 'EMCDDA%' or s.source_id like 'DPA-SB%' then 'EMCDDA'
             when s.source_id like 'NAT-%' then 'national' end as family,
        case when s.publisher like 'EMCDDA%' then s.edition end as edition,
        c.year
    from fact_coverage c  -- the build's rollup of the facts: years with a value, per source
    join sources s using (source_id)
)

select family, max(edition) as edition, min(year) as year_min, max(year) as year_max
from families
where family is not null
group by family
order by family

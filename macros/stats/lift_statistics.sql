{#-
    Statistics of 2x2 tables, one row per table: a select over `tables` (a relation or CTE with the
    `keys` columns and visitors_with, converted_with, visitors_without, converted_without) and
    `whole_numbers` (a column `k` holding 0, 1, ... up to at least the largest table total).

    - conversion_rate_with / _without with Wilson 95% bounds; absolute_lift = with - without;
      relative_lift = with / without - 1 (null when the rate without is 0).
    - odds_ratio = a d / (b c), a 95% interval exp(ln OR -/+ 1.96 sqrt(1/a + 1/b + 1/c + 1/d)).
      With a zero cell 0.5 is added to every cell (Haldane-Anscombe; odds_ratio_is_corrected);
      null when a whole row or column is empty.
    - fisher_p_value: two-sided Fisher exact test, the sum of the hypergeometric probabilities of
      every table with the same margins that is no more likely than the observed one (a relative
      tolerance of 1e-7 treats equal probabilities as ties).
    - fisher_log10_p_value: log10 of the same sum, computed in logs (log-sum-exp), so a p-value
      too small for a double (below 1e-308) still reads, e.g., -412.7 instead of 0.
    - fisher_q_value: Benjamini-Hochberg across the rows of the family, q(i) = min over j >= i of
      p(j) m / j; rows where `exclude_from_family` (an SQL condition on the columns of `tables`)
      holds are left out of the family and get no q-value.
-#}
{% macro lift_statistics(tables, whole_numbers, keys, exclude_from_family='1 = 0') -%}
    {%- set z = 1.959963984540054 -%}
    {%- set join_keys -%}
        {%- for key in keys %}{{ 'and ' if not loop.first }}cells.{{ key }} = tables_k.{{ key }} {% endfor -%}
    {%- endset -%}
    {%- set zero_cell = 'cell_a = 0 or cell_b = 0 or cell_c = 0 or cell_d = 0' -%}
    with

    cells as (

        select
            {% for key in keys %}{{ key }},
            {% endfor -%}
            visitors_with,
            visitors_without,
            converted_with,
            converted_without,
            converted_with + converted_without as converters,
            converted_with as cell_a,
            visitors_with - converted_with as cell_b,
            converted_without as cell_c,
            visitors_without - converted_without as cell_d,
            -- Tables with the same margins: the top-left cell ranges over [k_low, k_high].
            greatest(0, converted_with + converted_without - visitors_without) as k_low,
            least(visitors_with, converted_with + converted_without) as k_high,
            {{ micro_conversions.log_hypergeometric_pmf(
                'converted_with', 'visitors_with', 'visitors_without', '(converted_with + converted_without)') }}
            as log_p_observed,
            ({{ exclude_from_family }}) as is_outside_family
        from {{ tables }}

    ),

    tables_k as (

        select
            {% for key in keys %}cells.{{ key }},
            {% endfor -%}
            {{ micro_conversions.log_hypergeometric_pmf(
                whole_numbers ~ '.k', 'cells.visitors_with', 'cells.visitors_without', 'cells.converters') }} as log_p
        from cells
        inner join {{ whole_numbers }}
            on {{ whole_numbers }}.k >= cells.k_low
                and {{ whole_numbers }}.k <= cells.k_high

    ),

    -- The tables no more likely than the observed one (it is always one of them).
    fisher_terms as (

        select
            {% for key in keys %}cells.{{ key }},
            {% endfor -%}
            tables_k.log_p,
            max(tables_k.log_p) over (
                partition by {% for key in keys %}cells.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
            ) as max_log_p
        from cells
        inner join tables_k
            on {{ join_keys }}
        where tables_k.log_p <= cells.log_p_observed + 1e-7

    ),

    fisher as (

        select
            {% for key in keys %}{{ key }},
            {% endfor -%}
            least(1.0, sum({{ micro_conversions.exp_or_zero('log_p') }})) as fisher_p_value,
            least(
                0.0, (max(max_log_p) + ln(sum({{ micro_conversions.exp_or_zero('log_p - max_log_p') }}))) / ln(10.0)
            ) as fisher_log10_p_value
        from fisher_terms
        group by {% for key in keys %}{{ key }}{{ ', ' if not loop.last }}{% endfor %}

    ),

    ranked as (

        select
            {% for key in keys %}fisher.{{ key }},
            {% endfor -%}
            fisher.fisher_p_value,
            count(*) over () as tables_tested,
            row_number() over (
                order by fisher.fisher_p_value{% for key in keys %}, fisher.{{ key }}{% endfor %}
            ) as p_rank
        from fisher
        inner join cells
            on {% for key in keys %}{{ 'and ' if not loop.first }}fisher.{{ key }} = cells.{{ key }} {% endfor %}
        where not cells.is_outside_family

    ),

    q_values as (

        select
            {% for key in keys %}{{ key }},
            {% endfor -%}
            least(1.0, min(fisher_p_value * tables_tested / p_rank) over (
                order by p_rank desc rows between unbounded preceding and current row
            )) as fisher_q_value
        from ranked

    ),

    corrected as (

        select
            {% for key in keys %}{{ key }},
            {% endfor -%}
            visitors_with > 0 and visitors_without > 0 and converters > 0
            and converters < visitors_with + visitors_without as odds_ratio_is_defined,
            {{ zero_cell }} as odds_ratio_is_corrected,
            {%- for cell in ['a', 'b', 'c', 'd'] %}
            cast(cell_{{ cell }} as {{ micro_conversions.type_double() }})
            + case when {{ zero_cell }} then 0.5 else 0.0 end as {{ cell }},
            {%- endfor %}
            visitors_with,
            visitors_without,
            converted_with,
            converted_without
        from cells

    ),

    statistics as (

        select
            {% for key in keys %}corrected.{{ key }},
            {% endfor -%}
            {{ micro_conversions.rate_columns('conversion_rate_with', 'converted_with', 'visitors_with') }},
            {{ micro_conversions.rate_columns('conversion_rate_without', 'converted_without', 'visitors_without') }},
            {{ micro_conversions.safe_ratio('converted_with', 'visitors_with') }}
            - {{ micro_conversions.safe_ratio('converted_without', 'visitors_without') }} as absolute_lift,
            {{ micro_conversions.safe_ratio('converted_with', 'visitors_with') }}
            / nullif({{ micro_conversions.safe_ratio('converted_without', 'visitors_without') }}, 0)
            - 1 as relative_lift,
            case when odds_ratio_is_defined then (a * d) / (b * c) end as odds_ratio,
            case
                when odds_ratio_is_defined
                    then exp(ln((a * d) / (b * c)) - {{ z }} * sqrt(1 / a + 1 / b + 1 / c + 1 / d))
            end as odds_ratio_lower,
            case
                when odds_ratio_is_defined
                    then exp(ln((a * d) / (b * c)) + {{ z }} * sqrt(1 / a + 1 / b + 1 / c + 1 / d))
            end as odds_ratio_upper,
            odds_ratio_is_defined and odds_ratio_is_corrected as odds_ratio_is_corrected,
            fisher.fisher_p_value,
            fisher.fisher_log10_p_value,
            q_values.fisher_q_value
        from corrected
        inner join fisher
            on {% for key in keys %}{{ 'and ' if not loop.first }}corrected.{{ key }} = fisher.{{ key }} {% endfor %}
        left join q_values
            on {% for key in keys %}{{ 'and ' if not loop.first }}corrected.{{ key }} = q_values.{{ key }} {% endfor %}

    )

    select * from statistics
{%- endmacro %}

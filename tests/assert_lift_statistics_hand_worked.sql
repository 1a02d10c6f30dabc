{#-
    The lift statistics on three 2x2 tables worked out by hand; returns a row per wrong value.
    (a = converted with, b = not converted with, c = converted without, d = not converted without)

    T1 "tea" a=3 b=1 c=1 d=3. Margins 4/4, 4 converters: P(k) = C(4,k) C(4,4-k) / C(8,4) =
       1, 16, 36, 16, 1 (/70) for k = 0..4. Observed k=3 (16/70); tables no more likely: k = 0, 1,
       3, 4, so p = 34/70. OR = 3*3 / (1*1) = 9, interval exp(ln 9 -/+ z sqrt(1/3 + 1 + 1 + 1/3)).
       Rates 3/4 and 1/4: absolute lift 0.5, relative lift 0.75/0.25 - 1 = 2.
    T2 zero cell a=0 b=4 c=2 d=2. Margins 4/4, 2 converters: P(k) = C(4,k) C(4,2-k) / C(8,2) =
       6, 16, 6 (/28) for k = 0..2. Observed k=0 (6/28): p = 12/28 = 3/7. Haldane: 0.5 is added to
       every cell: OR = (0.5 * 2.5) / (4.5 * 2.5) = 1/9, interval exp(ln(1/9) -/+ z sqrt(1/0.5 +
       1/4.5 + 1/2.5 + 1/2.5)). Rates 0 and 1/2: absolute lift -0.5, relative lift -1.
    T3 empty row a=0 b=0 c=2 d=6: one possible table, p = 1; the odds ratio is undefined (null).
    Benjamini-Hochberg, m = 3, p sorted 3/7 (T2), 34/70 (T1), 1 (T3):
       q(T3) = 1; q(T1) = min(34/70 * 3/2, 1) = 51/70; q(T2) = min(3/7 * 3, 51/70) = 51/70.
-#}
{%- set z = 1.959963984540054 -%}
with

tables as (

    select 'T1' as table_id, 4 as visitors_with, 3 as converted_with, 4 as visitors_without, 1 as converted_without
    union all
    select 'T2', 4, 0, 4, 2
    union all
    select 'T3', 0, 0, 8, 2

),

whole_numbers as (

    select 0 as k union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8

),

statistics as (

    {{ micro_conversions.lift_statistics('tables', 'whole_numbers', ['table_id']) }}

),

expected as (

    select
        'T1' as table_id,
        34.0 / 70 as fisher_p_value,
        51.0 / 70 as fisher_q_value,
        9.0 as odds_ratio,
        exp(ln(9.0) - {{ z }} * sqrt(1.0 / 3 + 1 + 1 + 1.0 / 3)) as odds_ratio_lower,
        exp(ln(9.0) + {{ z }} * sqrt(1.0 / 3 + 1 + 1 + 1.0 / 3)) as odds_ratio_upper,
        false as odds_ratio_is_corrected,
        0.5 as absolute_lift,
        2.0 as relative_lift
    union all
    select
        'T2',
        3.0 / 7,
        51.0 / 70,
        1.0 / 9,
        exp(ln(1.0 / 9) - {{ z }} * sqrt(1 / 0.5 + 1 / 4.5 + 1 / 2.5 + 1 / 2.5)),
        exp(ln(1.0 / 9) + {{ z }} * sqrt(1 / 0.5 + 1 / 4.5 + 1 / 2.5 + 1 / 2.5)),
        true,
        -0.5,
        -1.0
    union all
    select 'T3', 1.0, 1.0, null, null, null, false, null, null

),

compared as (

    select
        expected.table_id,
        statistics.table_id is null as is_missing,
        {%- for column in ['fisher_p_value', 'fisher_q_value', 'odds_ratio', 'odds_ratio_lower',
            'odds_ratio_upper', 'absolute_lift', 'relative_lift'] %}
        case
            when expected.{{ column }} is null then statistics.{{ column }} is not null
            else statistics.{{ column }} is null
                or abs(statistics.{{ column }} - expected.{{ column }}) > 1e-9 * greatest(1.0, abs(expected.{{ column }}))
        end as {{ column }}_is_wrong,
        {%- endfor %}
        statistics.odds_ratio_is_corrected is distinct from expected.odds_ratio_is_corrected as corrected_is_wrong
    from expected
    left join statistics
        on expected.table_id = statistics.table_id

)

select * from compared
where is_missing
    or fisher_p_value_is_wrong
    or fisher_q_value_is_wrong
    or odds_ratio_is_wrong
    or odds_ratio_lower_is_wrong
    or odds_ratio_upper_is_wrong
    or absolute_lift_is_wrong
    or relative_lift_is_wrong
    or corrected_is_wrong

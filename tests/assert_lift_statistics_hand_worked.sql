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
    T4 underflow a=600 b=0 c=0 d=600 (a structural prerequisite: no converter without it).
       Margins 600/600, 600 converters: the observed table (k=600) and k=0 are the two least
       likely, each 1 / C(1200, 600), so p = 2 / C(1200, 600): far below the smallest double
       (fisher_p_value reads 0). log10 p = log10 2 - log10 C(1200, 600) = -359.2972
       (C(1200, 600) as an exact integer, 360 digits, with Python's math.comb; then math.log10).
       Haldane: OR = 600.5^2 / 0.5^2, interval exp(ln OR -/+ z sqrt(2/600.5 + 2/0.5)). Rates 1
       and 0: absolute lift 1, relative lift null. T4 is left out of the Benjamini-Hochberg
       family (exclude_from_family): its q-value is null.
    Benjamini-Hochberg, m = 3, p sorted 3/7 (T2), 34/70 (T1), 1 (T3):
       q(T3) = 1; q(T1) = min(34/70 * 3/2, 1) = 51/70; q(T2) = min(3/7 * 3, 51/70) = 51/70.
    log10 of the p-values: log10(34/70), log10(3/7), 0.
-#}
{%- set z = 1.959963984540054 -%}
{%- set t1_se = 'sqrt(1e0 / 3 + 1 + 1 + 1e0 / 3)' -%}
{%- set t2_se = 'sqrt(1 / 5e-1 + 1 / 45e-1 + 1 / 25e-1 + 1 / 25e-1)' -%}
{%- set t4_or = '(6005e-1 * 6005e-1) / (5e-1 * 5e-1)' -%}
{%- set t4_se = 'sqrt(2 / 6005e-1 + 2 / 5e-1)' -%}
{%- set compared_columns = ['fisher_p_value', 'fisher_log10_p_value', 'fisher_q_value', 'odds_ratio', 'odds_ratio_lower',
    'odds_ratio_upper', 'absolute_lift', 'relative_lift'] %}
-- noqa: disable=LT02,AL05
with

contingency_tables as (

    select *
    from (
        values ('T1', 4, 3, 4, 1), ('T2', 4, 0, 4, 2), ('T3', 0, 0, 8, 2), ('T4', 600, 600, 600, 0)
    ) as hand_tables (table_id, visitors_with, converted_with, visitors_without, converted_without)

),

digits as (

    select *
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as ten (d)

),

-- 0 .. 1200, the largest table total.
whole_numbers as (

    select ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d as k
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    where ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d <= 1200

),

computed as (

    {{ micro_conversions.lift_statistics(
        'contingency_tables', 'whole_numbers', ['table_id'], exclude_from_family="table_id = 'T4'") }}

),

expected as (

    select *
    from (
        values
        (
            'T1', 34e0 / 70, log10(34e0 / 70), 51e0 / 70, 9e0,
            exp(ln(9e0) - {{ z }} * {{ t1_se }}), exp(ln(9e0) + {{ z }} * {{ t1_se }}),
            false, 5e-1, 2e0
        ),
        (
            'T2', 3e0 / 7, log10(3e0 / 7), 51e0 / 70, 1e0 / 9,
            exp(ln(1e0 / 9) - {{ z }} * {{ t2_se }}), exp(ln(1e0 / 9) + {{ z }} * {{ t2_se }}),
            true, -5e-1, -1e0
        ),
        ('T3', 1e0, 0e0, 1e0, null, null, null, false, null, null),
        (
            'T4', 0e0, -359.297223761568, null, {{ t4_or }},
            exp(ln({{ t4_or }}) - {{ z }} * {{ t4_se }}), exp(ln({{ t4_or }}) + {{ z }} * {{ t4_se }}),
            true, 1e0, null
        )
    ) as hand_results (
        table_id, fisher_p_value, fisher_log10_p_value, fisher_q_value, odds_ratio, odds_ratio_lower, odds_ratio_upper,
        odds_ratio_is_corrected, absolute_lift, relative_lift
    )

),

compared as (

    select
        expected.table_id,
        computed.table_id is null as is_missing,
        {%- for column in compared_columns %}
        case
            when expected.{{ column }} is null then computed.{{ column }} is not null
            else computed.{{ column }} is null
                or abs(computed.{{ column }} - expected.{{ column }}) > 1e-9 * greatest(1.0, abs(expected.{{ column }}))
        end as {{ column }}_is_wrong,
        {%- endfor %}
        coalesce(computed.odds_ratio_is_corrected <> expected.odds_ratio_is_corrected, true) as corrected_is_wrong
    from expected
    left join computed
        on expected.table_id = computed.table_id

)

select *
from compared
where
    is_missing
    {%- for column in compared_columns %}
    or {{ column }}_is_wrong
    {%- endfor %}
    or corrected_is_wrong

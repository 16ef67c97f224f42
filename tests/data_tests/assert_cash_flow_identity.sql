{#
    The statement of cash flows reconciles: operating + investing + financing cash flows
    + the effect of exchange rate changes = the net change in cash and cash equivalents.
    The tolerance and grouping are those of macros/identity_violations.sql.
#}

{{ identity_violations([
    ['cash_flows_sum_to_net_change', 'cash_flows_from_operating_activities', 1],
    ['cash_flows_sum_to_net_change', 'cash_flows_from_investing_activities', 1],
    ['cash_flows_sum_to_net_change', 'cash_flows_from_financing_activities', 1],
    ['cash_flows_sum_to_net_change', 'effect_of_exchange_rate_changes', 1],
    ['cash_flows_sum_to_net_change', 'net_change_in_cash', -1],
]) }}

"""The rules engine: policies as cited, dated data, and the quote computed from them.

Mechanisms that several provinces share (collection windows, highest subsidy wins,
the cap at the personal share, waiting periods, funding splits) live here once; a
province plugin only supplies a `Policy` that picks and parameterises them.
"""

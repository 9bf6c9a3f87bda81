"""Entity types several concepts return (persons, households, enrolments, payments…), each wrapping a
core row, and the quote contract's shapes (docs/contract/quote.graphql)."""

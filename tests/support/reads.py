"""Read documents shared by the concurrency, pagination and limits tests."""

PAGE = "{ households(first: 20) { nodes { id members { person { name enrolments { id } } } } } }"


HOUSEHOLDS = """
query($region: String, $first: Int!, $after: String) {
  households(regionCode: $region, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id addressRegion { code name parent { code } } head { name }
            members { isHead person { name hukouRegion { code } enrolments { coverageYear } } } }
  }
}"""

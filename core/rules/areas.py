"""Whether a region code lies in an area: GB/T 2260 prefixes, townships and villages extending them."""


def prefix(code: str) -> str:
    """A six-digit GB/T 2260 code's meaningful prefix: 340000 → 34, 341700 → 3417."""
    if len(code) == 6:
        for zeros in (4, 2):
            if code.endswith("0" * zeros):
                return code[: 6 - zeros]
    return code


def within(code: str | None, area: str) -> bool:
    """`code` (a province, county, township or village) lies in `area`: 341702001001 in 341702."""
    return bool(code) and code.startswith(prefix(area))

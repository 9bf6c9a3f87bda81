from yibao.core.errors import ErrorCode, InputError


def parse_id(value: object, field: str) -> int:
    """Object ids are decimal integers; anything else is the caller's mistake, named by field."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    raise InputError.one(field, ErrorCode.INVALID, f"编号无效：{text!r}（not an id）")

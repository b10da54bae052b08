"""EventBridge event-pattern matching, as the EventBridge user guide defines it, for the subset
the modules use: a list of allowed values (strings or numbers), `{"prefix": ...}`,
`{"numeric": [op, n, ...]}`, `{"exists": bool}`, and nested objects."""

import operator

_OPS = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">": operator.gt, ">=": operator.ge}


def _match_one(rule, value, present: bool) -> bool:
    if isinstance(rule, dict):
        if "exists" in rule:
            return present == rule["exists"]
        if not present:
            return False
        if "prefix" in rule:
            return isinstance(value, str) and value.startswith(rule["prefix"])
        if "numeric" in rule:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return False
            conds = rule["numeric"]
            return all(_OPS[conds[i]](value, conds[i + 1]) for i in range(0, len(conds), 2))
        raise ValueError(f"unsupported pattern rule {rule}")
    return present and value == rule


def matches(pattern: dict, event: dict) -> bool:
    """True when `event` matches `pattern`: every field of the pattern must match (AND), and a
    field matches when any element of its list does (OR); arrays in the event match when any
    of their elements does."""
    for key, rule in pattern.items():
        present = isinstance(event, dict) and key in event
        value = event.get(key) if present else None
        if isinstance(rule, dict):
            if not present or not isinstance(value, dict) or not matches(rule, value):
                return False
            continue
        if not isinstance(rule, list):
            raise ValueError(f"pattern field {key} must be a list or an object, not {rule!r}")
        values = value if isinstance(value, list) else [value]
        if not any(_match_one(r, v, present) for r in rule for v in values):
            return False
    return True
